package dev.vivarium.vcenter.inventory;

/**
 * Why the inventory refused a command, with a sentence for the user. The reasons map one to one
 * onto HTTP statuses: NOT_FOUND 404, CONFLICT 409 (the state forbids it), BAD_REQUEST 400.
 */
public record Rejection(Reason reason, String message) implements InventorySerializable {

  public enum Reason { NOT_FOUND, CONFLICT, BAD_REQUEST }

  public static Rejection notFound(String message) { return new Rejection(Reason.NOT_FOUND, message); }
  public static Rejection conflict(String message) { return new Rejection(Reason.CONFLICT, message); }
  public static Rejection badRequest(String message) { return new Rejection(Reason.BAD_REQUEST, message); }
}
