package dev.vivarium.node.api;

import dev.vivarium.node.events.EventLog;
import dev.vivarium.node.events.VivariumEvent;
import java.time.Duration;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/** The event log as server-sent events: kept events after a sequence number, then live ones. */
final class EventStreams {

    /** Events waiting for a slow client; past this the stream ends rather than grow without bound. */
    private static final int BUFFER = 1024;
    /** A comment line keeps idle connections (and proxies) from timing out. */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final EventLog log;
    private final Materializer materializer;

    EventStreams(EventLog log, Materializer materializer) {
        this.log = log;
        this.materializer = materializer;
    }

    /**
     * Kept events after {@code seq}, then live ones; each named by its type, or ({@code named}
     * false) all unnamed, so a browser's EventSource hears every type through onmessage.
     */
    Source<ByteString, ?> after(long seq, boolean named) {
        Pair<BoundedSourceQueue<VivariumEvent>, Source<VivariumEvent, NotUsed>> queued =
                Source.<VivariumEvent>queue(BUFFER).preMaterialize(materializer);
        BoundedSourceQueue<VivariumEvent> queue = queued.first();
        EventLog.Subscription subscription = log.follow(seq, event -> {
            if (queue.offer(event) != QueueOfferResult.enqueued()) {
                // The client cannot keep up (or is gone): end its stream; it resumes with ?after=<last id>.
                queue.complete();
            }
        });
        return queued.second()
                .map(event -> frame(event, named))
                .keepAlive(KEEP_ALIVE, () -> ByteString.fromString(":\n\n"))
                .watchTermination((mat, done) -> {
                    done.whenComplete((d, e) -> subscription.close());
                    return mat;
                });
    }

    private static ByteString frame(VivariumEvent event, boolean named) {
        return ByteString.fromString("id: " + event.seq() + (named ? "\nevent: " + event.type() : "") + "\ndata: " + Json.write(event) + "\n\n");
    }
}
