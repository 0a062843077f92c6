package dev.vivarium.vcenter.inventory;

import java.util.Objects;

/**
 * Who caused an inventory change, as the event log shows it: an API caller (by user name), HA,
 * DRS, or a host reporting what it did. A plain record rather than a sealed hierarchy so stored
 * events need no polymorphic type information.
 */
public record Initiator(Kind kind, String name) implements InventorySerializable {

  public enum Kind { API, HA, DRS, HOST }

  public Initiator {
    Objects.requireNonNull(kind, "kind");
    name = name == null ? "" : name;
  }

  public static Initiator api(String user) { return new Initiator(Kind.API, user); }
  public static Initiator ha() { return new Initiator(Kind.HA, ""); }
  public static Initiator drs() { return new Initiator(Kind.DRS, ""); }
  public static Initiator host(String hostName) { return new Initiator(Kind.HOST, hostName); }

  @Override
  public String toString() {
    return switch (kind) {
      case API -> "api:" + name;
      case HOST -> "host:" + name;
      case HA -> "HA";
      case DRS -> "DRS";
    };
  }
}
