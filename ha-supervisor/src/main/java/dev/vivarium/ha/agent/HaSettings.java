package dev.vivarium.ha.agent;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * HA's timers (reference.conf {@code vivarium.ha}).
 *
 * @param watchPeriod     how often the agent reads every host's datastore heartbeat and the cluster's view
 * @param fallbackAfter   a VM the placement gave to another survivor is raced for by every survivor after this
 * @param retryMin        first wait before a restart is tried again (no room, a start that failed)
 * @param retryMax        the wait doubles up to this
 * @param acquireTimeout  how long a restart may wait for the failed host's lease (it has expired when HA acts)
 */
public record HaSettings(Duration watchPeriod, Duration fallbackAfter, Duration retryMin, Duration retryMax,
                         Duration acquireTimeout) {

    public HaSettings {
        if (watchPeriod.isZero() || watchPeriod.isNegative() || retryMin.isZero() || retryMin.isNegative()
                || retryMax.compareTo(retryMin) < 0) {
            throw new IllegalArgumentException("vivarium.ha: watch-period and retry-min must be positive, retry-max at least retry-min");
        }
    }

    public static HaSettings fromConfig(Config ha) {
        return new HaSettings(ha.getDuration("watch-period"), ha.getDuration("fallback-after"), ha.getDuration("retry-min"),
                ha.getDuration("retry-max"), ha.getDuration("acquire-timeout"));
    }
}
