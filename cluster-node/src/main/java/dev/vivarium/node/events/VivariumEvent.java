package dev.vivarium.node.events;

/**
 * One entry of the event log a VirtualCenter user reads.
 *
 * @param seq     the position in its log, increasing; a follower resumes after it
 * @param time    when it happened, ISO-8601 UTC
 * @param type    what happened, e.g. {@code HostUp}, {@code VmPoweredOn}
 * @param subject the host or VM it is about
 * @param by      who did it: an API caller, HA, DRS, a host
 * @param message the sentence a user reads
 */
public record VivariumEvent(long seq, String time, String type, String subject, String by, String message) {
}
