package dev.vivarium.vcenter.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PowerOnBackoffTest {

  private static final long S = 1_000_000_000L;

  @Test
  void theDelayDoublesUpToTheCapWhileTheSituationStaysAndEndsWhenItChanges() {
    PowerOnBackoff b = new PowerOnBackoff(Duration.ofSeconds(1), Duration.ofSeconds(5));
    long now = 0;
    assertThat(b.waiting("vm", "full", now)).as("nothing failed yet").isFalse();
    assertThat(b.failed("vm", "full", now)).isEqualTo(S);
    assertThat(b.waiting("vm", "full", now + S / 2)).isTrue();
    assertThat(b.waiting("vm", "room freed", now + S / 2)).as("a change ends the wait").isFalse();
    assertThat(b.waiting("vm", "full", now + S)).as("the delay is over").isFalse();
    assertThat(b.failed("vm", "full", now + S)).isEqualTo(2 * S);
    assertThat(b.failed("vm", "full", now + 3 * S)).isEqualTo(4 * S);
    assertThat(b.failed("vm", "full", now + 7 * S)).as("capped").isEqualTo(5 * S);
    assertThat(b.failed("vm", "another", now + 12 * S)).as("a new situation starts again").isEqualTo(S);
    assertThat(b.waiting("other", "another", now + 12 * S)).isFalse();
    b.retain(Set.of());
    assertThat(b.waiting("vm", "another", now + 12 * S)).as("a deleted VM is forgotten").isFalse();
  }
}
