package dev.vivarium.node.api;

/**
 * An operation that takes time, as {@code GET /api/v1/tasks/{id}} shows it (VirtualCenter's
 * tasks).
 *
 * @param id          unique in the cluster: the accepting host's name and a number
 * @param description what was asked, e.g. "power-on vm-1"
 * @param state       running, succeeded or failed
 * @param result      what it did, once succeeded
 * @param reason      why it failed, once failed
 * @param started     when it was accepted (ISO-8601)
 * @param finished    when it ended, null while running
 * @param details     figures of the operation once it ended, for scripts (a migration's from, to,
 *                    downtimeMs, ...), null for operations without any
 */
public record TaskView(String id, String description, String state, String result, String reason,
                       String started, String finished, Object details) {

    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
}
