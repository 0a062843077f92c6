package dev.vivarium.vcenter.inventory;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A VM's power state, spelled as VirtualCenter spells it in the API and in stored events. */
public enum PowerState {
  POWERED_ON("poweredOn"),
  POWERED_OFF("poweredOff"),
  SUSPENDED("suspended"),
  PAUSED("paused");

  private final String apiName;

  PowerState(String apiName) { this.apiName = apiName; }

  @JsonValue
  public String apiName() { return apiName; }

  /** A VM in this state occupies a host: its memory and lease are held there. */
  public boolean resident() { return this == POWERED_ON || this == PAUSED; }

  /** Parses the VirtualCenter name; null when {@code text} names no power state. */
  public static PowerState fromApiName(String text) {
    for (PowerState s : values()) {
      if (s.apiName.equals(text)) return s;
    }
    return null;
  }

  // DELEGATING: with the parameter-names module Jackson would otherwise read the argument as a
  // property called "text".
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static PowerState fromJson(String text) {
    PowerState s = fromApiName(text);
    if (s == null) throw new IllegalArgumentException("unknown power state '" + text + "'");
    return s;
  }
}
