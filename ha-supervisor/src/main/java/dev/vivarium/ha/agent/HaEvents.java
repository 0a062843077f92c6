package dev.vivarium.ha.agent;

/** Where HA's events go: the node's event log (the node wiring decides how far they travel). */
@FunctionalInterface
public interface HaEvents {

    /**
     * @param type    e.g. HostFailed, HaRestarting, VmRestartedByHa, HaRestartPending
     * @param subject the host or VM it is about
     */
    void publish(String type, String subject, String message);
}
