package dev.vivarium.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class BearerTokenTest {

    private final BearerToken token = new BearerToken("s3cret");

    @Test
    void acceptsOnlyTheBearerSchemeWithTheToken() {
        assertThat(token.accepts(Optional.of("Bearer s3cret"))).isTrue();
        assertThat(token.accepts(Optional.of("bearer s3cret"))).isTrue();
        assertThat(token.accepts(Optional.of("Bearer s3cre"))).isFalse();
        assertThat(token.accepts(Optional.of("Bearer s3cret2"))).isFalse();
        assertThat(token.accepts(Optional.of("Basic s3cret"))).isFalse();
        assertThat(token.accepts(Optional.of("Bearer"))).isFalse();
        assertThat(token.accepts(Optional.empty())).isFalse();
    }

    @Test
    void refusesAnEmptyToken() {
        assertThatThrownBy(() -> new BearerToken("  ")).isInstanceOf(IllegalArgumentException.class);
    }
}
