package dev.vivarium.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.Cli;
import dev.vivarium.node.api.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The short form of {@code vivarium bench drs}: its JSON and its refusals. */
class DrsBenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void printsTheMedianRoundAndWhatItDecidedAsJson() throws Exception {
        Cli.Result r = new Cli(dir).run("bench", "drs", "--hosts", "40", "--vms", "800", "--rounds", "3", "--warmup", "1",
                "--place", "20", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode json = Json.MAPPER.readTree(r.out());
        assertThat(json.get("hosts").asInt()).isEqualTo(40);
        assertThat(json.get("vms").asInt()).isEqualTo(800);
        assertThat(json.get("roundMs").asDouble()).isPositive();
        assertThat(json.get("roundMsMin").asDouble()).isLessThanOrEqualTo(json.get("roundMs").asDouble());
        assertThat(json.get("moves").asInt()).isBetween(1, 8 + json.get("mandatoryMoves").asInt());
        assertThat(json.get("imbalanceAfter").asDouble()).isLessThan(json.get("imbalanceBefore").asDouble());
        assertThat(json.get("placed").asInt()).isEqualTo(20);
        assertThat(json.has("loadAverageAtStart")).isTrue();
    }

    @Test
    void aThresholdOutsideOneToFiveIsAUsageError() throws Exception {
        Cli.Result r = new Cli(dir).run("bench", "drs", "--threshold", "7");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("1 (conservative) to 5");
    }
}
