package dev.vivarium.vcenter.host;

/**
 * Delivers directives to host agents. The node wiring implements it over the hosts' actors; it
 * must not block (directives are sent from inside actors) and it may drop a directive for a host
 * it cannot reach, since reconciliation sends it again while the difference lasts.
 */
@FunctionalInterface
public interface HostChannel {
  void send(HostDirective directive);
}
