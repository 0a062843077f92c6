package dev.vivarium.node.console;

/**
 * What a console stream carries: the VM's serial output, and where the stream is attached.
 * The API sends each as a server-sent event named by {@link #type()} with the record as JSON.
 */
public sealed interface ConsoleEvent {

    /** The event's name in the stream. */
    String type();

    /** The stream follows the VM on {@code host}; its recent output comes next, then live output. */
    record Attached(String vm, String host) implements ConsoleEvent {
        public String type() {
            return "attached";
        }
    }

    /** Bytes the guest wrote to COM1, one char per byte (ISO-8859-1). */
    record Output(String vm, String text) implements ConsoleEvent {
        public String type() {
            return "output";
        }
    }

    /** The VM stopped running on {@code host}; the stream waits for it to run again (resumed, restarted, moved). */
    record Detached(String vm, String host, String reason) implements ConsoleEvent {
        public String type() {
            return "detached";
        }
    }

    /** The last event: the VM did not come back in time (or the client was too slow); the stream ends. */
    record Ended(String vm, String reason) implements ConsoleEvent {
        public String type() {
            return "end";
        }
    }
}
