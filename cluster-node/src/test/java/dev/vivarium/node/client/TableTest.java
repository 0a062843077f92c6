package dev.vivarium.node.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void alignsColumnsAndShowsNullAsADash() {
        String text = new Table("NAME", "STATE", "VMS").row("host-1", "Up", null).row("host-10", "Unreachable", 3).render();
        assertThat(text).isEqualTo("""
                NAME     STATE        VMS
                host-1   Up           -
                host-10  Unreachable  3
                """);
    }

    @Test
    void aRowMustFitTheHeader() {
        assertThatThrownBy(() -> new Table("A", "B").row("x")).isInstanceOf(IllegalArgumentException.class);
    }
}
