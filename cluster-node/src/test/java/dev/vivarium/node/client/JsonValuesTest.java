package dev.vivarium.node.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.vivarium.node.api.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonValuesTest {

    @Test
    void readsWhatJacksonsDataBindingReads() throws Exception {
        String json = "[{\"name\": \"vm-1\", \"epoch\": 3, \"big\": 12345678901, \"ready\": 0.25, \"host\": null, "
                + "\"on\": true, \"metrics\": {\"x\": [1, 2.5, \"é\\n\"]}}, {}]";
        List<Map<String, Object>> expected = Json.MAPPER.readValue(json, new TypeReference<>() { });
        assertThat(JsonValues.objects(json)).isEqualTo(expected);
        assertThat(JsonValues.objects(json).get(0).get("epoch").toString()).isEqualTo("3");
        assertThat(JsonValues.object("{\"error\": \"no VM\"}")).containsEntry("error", "no VM");
    }

    @Test
    void refusesWhatIsNotJsonOrNotTheShapeAskedFor() {
        for (String bad : List.of("", "{", "[1,]", "{} {}", "nope")) {
            assertThatThrownBy(() -> JsonValues.parse(bad)).as(bad).isInstanceOf(IOException.class);
        }
        assertThatThrownBy(() -> JsonValues.objects("[1]")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> JsonValues.object("[]")).isInstanceOf(IOException.class);
        assertThat(ApiError.messageOf("<html>")).isEmpty();
        assertThat(ApiError.messageOf("{\"error\": \"gone\"}")).hasValue("gone");
    }
}
