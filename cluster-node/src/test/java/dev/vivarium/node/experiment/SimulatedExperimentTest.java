package dev.vivarium.node.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.api.Json;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every shipped scenario, simulated: it runs, writes its CSVs and summary.json, and its
 * report renders: the page's images are PNG files that decode, with more than one colour.
 */
class SimulatedExperimentTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"hotspot", "diurnal", "anti-affinity", "maintenance", "host-failure"})
    void aShippedScenarioRunsAndItsReportRenders(String name) throws Exception {
        Scenario s = ScenarioLoader.load(name);
        List<String> progress = new ArrayList<>();
        Map<String, Object> summary = Experiments.simulate(s, dir, progress::add);
        assertThat(progress).isNotEmpty().last().asString().contains(name).contains("imbalance");

        JsonNode json = Json.MAPPER.readTree(dir.resolve("summary.json").toFile());
        for (String field : List.of("imbalanceBefore", "imbalancePeak", "imbalanceAfter", "secondsToBalance", "migrations",
                "medianDowntimeMs", "ruleViolations")) {
            assertThat(json.has(field)).as(field).isTrue();
        }
        assertThat(json.path("mode").asText()).isEqualTo("simulated");
        assertThat(json.path("migrations").asInt()).isEqualTo(summary.get("migrations"));

        int rows = (int) Math.round(s.durationSeconds() / s.sampleSeconds()) + 1;
        assertThat(Files.readAllLines(dir.resolve("imbalance.csv"))).hasSize(rows + 1).first()
                .isEqualTo("t,imbalance,target,migrating,recommendations,brokenRules");
        assertThat(Files.readAllLines(dir.resolve("hosts.csv"))).hasSize(rows * s.hosts().size() + 1);
        List<String> migrations = Files.readAllLines(dir.resolve("migrations.csv"));
        assertThat(migrations).hasSize(json.path("migrations").asInt() + json.path("migrationsFailed").asInt() + 1);
        assertThat(Files.readString(dir.resolve("events.csv"))).contains("timeline");

        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("<h1>Experiment: " + name + "</h1>").contains("Simulated: DRS's core on modelled VMs")
                .contains("<table id=\"summary\">").contains("secondsToBalance");
        Matcher img = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        Set<String> images = new HashSet<>();
        while (img.find()) {
            images.add(img.group(1));
        }
        assertThat(images).containsExactlyInAnyOrderElementsOf(Report.CHARTS);
        for (String file : images) {
            BufferedImage png = ImageIO.read(dir.resolve(file).toFile());
            assertThat(png).as(file).isNotNull();
            assertThat(png.getWidth()).isEqualTo(960);
            assertThat(colours(png)).as(file + " draws something").isGreaterThan(10);
        }
    }

    @Test
    void theSimulatedHotspotIsBalancedWithinTwoDrsPeriodsWithoutBreakingARule() throws Exception {
        Map<String, Object> summary = Experiments.simulate(ScenarioLoader.load("hotspot"), dir, line -> { });
        assertThat((double) summary.get("imbalancePeak")).isGreaterThan((double) summary.get("target"));
        assertThat((Double) summary.get("drsPeriodsToBalance")).isNotNull().isLessThanOrEqualTo(2.0);
        assertThat((double) summary.get("imbalanceAfter")).isLessThanOrEqualTo((double) summary.get("target"));
        assertThat((int) summary.get("migrations")).isPositive();
        assertThat((Double) summary.get("medianDowntimeMs")).isNotNull().isPositive();
        assertThat(summary.get("ruleViolations")).isEqualTo(0);
    }

    @Test
    void aSimulationOfHundredsOfHostsRunsInSeconds() throws Exception {
        Path file = dir.resolve("large.conf");
        Files.writeString(file, """
                name = large
                description = "A hotspot on a tenth of 300 hosts."
                duration = 60s
                hosts { count = 300, capacity-mips = 1000, memory-mib = 4096 }
                vms = [ { name = vm, count = 3000, memory-mib = 64, duty = 2 } ]
                timeline = [
                  { at = 10s, load { vms = [vm-1, vm-2, vm-3, vm-4, vm-5, vm-6, vm-7, vm-8, vm-9, vm-10], duty = 90 } }
                ]
                """);
        Map<String, Object> summary = Experiments.simulate(ScenarioLoader.load(file.toString()), dir.resolve("out"), l -> { });
        assertThat(summary.get("hosts")).isEqualTo(300);
        assertThat(Files.exists(dir.resolve("out/report.html"))).isTrue();
    }

    @Test
    void aWrongScenarioIsRefusedWithTheKeyAndTheFile() throws Exception {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, """
                name = bad
                duration = 30s
                hosts { count = 2, capacity-mips = 40, memory-mib = 256 }
                vms = [ { name = vm, count = 2 } ]
                timeline = [ { at = 5s, load { host = host-7, duty = 50 } } ]
                """);
        assertThatThrownBy(() -> ScenarioLoader.load(file.toString())).hasMessageContaining(file.toString())
                .hasMessageContaining("no host named host-7");
        Files.writeString(file, "name = bad\nduration = 30s\nhosts { count = 2, capacity-mips = 40, memory-mib = 256 }\n"
                + "vms = [ { name = vm, cunt = 2 } ]\n");
        assertThatThrownBy(() -> ScenarioLoader.load(file.toString())).hasMessageContaining("unknown key cunt");
        assertThatThrownBy(() -> ScenarioLoader.load("no-such-scenario")).hasMessageContaining("shipped: anti-affinity, diurnal");
    }

    private static int colours(BufferedImage png) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < png.getHeight(); y += 3) {
            for (int x = 0; x < png.getWidth(); x += 3) {
                seen.add(png.getRGB(x, y));
            }
        }
        return seen.size();
    }
}
