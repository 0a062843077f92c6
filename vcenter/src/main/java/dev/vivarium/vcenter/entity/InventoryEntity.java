package dev.vivarium.vcenter.entity;

import dev.vivarium.vcenter.inventory.Decision;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.InventoryEvent;
import dev.vivarium.vcenter.inventory.LogEntry;
import dev.vivarium.vcenter.inventory.Rejection;
import dev.vivarium.vcenter.inventory.VmRecord;
import dev.vivarium.vcenter.protocol.Answers.EventLogPage;
import dev.vivarium.vcenter.protocol.Answers.HostList;
import dev.vivarium.vcenter.protocol.Answers.InventorySnapshot;
import dev.vivarium.vcenter.protocol.Answers.VmList;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vcenter.protocol.InventoryCommand.Change;
import dev.vivarium.vcenter.protocol.InventoryCommand.GetEventLog;
import dev.vivarium.vcenter.protocol.InventoryCommand.GetInventory;
import dev.vivarium.vcenter.protocol.InventoryCommand.GetVm;
import dev.vivarium.vcenter.protocol.InventoryCommand.ListHosts;
import dev.vivarium.vcenter.protocol.InventoryCommand.ListVms;
import dev.vivarium.vcenter.protocol.InventoryCommand.Stop;
import dev.vivarium.vcenter.protocol.Reply;
import dev.vivarium.vcenter.protocol.VmLookup;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The inventory as one event-sourced entity: it checks each change with the pure decisions in
 * {@code dev.vivarium.vcenter.inventory}, persists the resulting events and answers only after
 * they are stored, so an accepted change survives the loss of this node. When the journal fails
 * (the database is unreachable) the entity restarts with back-off and recovers from the journal.
 */
public final class InventoryEntity
    extends EventSourcedBehaviorWithEnforcedReplies<InventoryCommand, InventoryEvent, Inventory> {

  private final InventorySettings settings;
  private final Clock clock;

  public static Behavior<InventoryCommand> create(InventorySettings settings, Clock clock) {
    return new InventoryEntity(settings, clock);
  }

  private InventoryEntity(InventorySettings settings, Clock clock) {
    super(PersistenceId.ofUniqueId(settings.persistenceId()),
        SupervisorStrategy.restartWithBackoff(settings.restartMinBackoff(),
            settings.restartMaxBackoff(), 0.2));
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public Inventory emptyState() {
    return Inventory.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), settings.keepSnapshots());
  }

  @Override
  public CommandHandlerWithReply<InventoryCommand, InventoryEvent, Inventory> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Change.class, this::onChange)
        .onCommand(GetVm.class, this::onGetVm)
        .onCommand(ListVms.class, (s, q) ->
            Effect().reply(q.replyTo(), new VmList(List.copyOf(s.vms().values()))))
        .onCommand(ListHosts.class, (s, q) ->
            Effect().reply(q.replyTo(), new HostList(List.copyOf(s.hosts().values()))))
        .onCommand(GetEventLog.class, this::onGetEventLog)
        .onCommand(GetInventory.class, (s, q) ->
            Effect().reply(q.replyTo(), new InventorySnapshot(s)))
        .onCommand(Stop.class, (s, q) -> Effect().stop().thenNoReply())
        .build();
  }

  private ReplyEffect<InventoryEvent, Inventory> onChange(Inventory s, Change c) {
    Decision d = c.decide(s, clock.instant());
    if (d instanceof Decision.Reject r) {
      return Effect().reply(c.replyTo(), new Reply.Rejected(r.rejection()));
    }
    List<InventoryEvent> events = ((Decision.Accept) d).events();
    if (events.isEmpty()) return Effect().reply(c.replyTo(), new Reply.Accepted(List.of()));
    return Effect().persist(events)
        .thenReply(c.replyTo(), after -> new Reply.Accepted(newestLines(after, events.size())));
  }

  private ReplyEffect<InventoryEvent, Inventory> onGetVm(Inventory s, GetVm q) {
    VmRecord vm = s.vms().get(q.vm());
    VmLookup answer = vm == null
        ? new Reply.Rejected(Rejection.notFound("no VM named " + q.vm()))
        : new VmLookup.Found(vm);
    return Effect().reply(q.replyTo(), answer);
  }

  private ReplyEffect<InventoryEvent, Inventory> onGetEventLog(Inventory s, GetEventLog q) {
    List<LogEntry> page = new ArrayList<>();
    int limit = Math.max(0, q.limit());
    for (LogEntry e : s.recentLog()) {
      if (page.size() >= limit) break;
      if (e.seq() > q.afterSeq()) page.add(e);
    }
    long oldestKept = s.recentLog().isEmpty() ? s.lastLogSeq() + 1 : s.recentLog().get(0).seq();
    return Effect().reply(q.replyTo(), new EventLogPage(page, s.lastLogSeq(), oldestKept));
  }

  private static List<LogEntry> newestLines(Inventory s, int n) {
    List<LogEntry> log = s.recentLog();
    return log.subList(Math.max(0, log.size() - n), log.size());
  }

  @Override
  public EventHandler<Inventory, InventoryEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onAnyEvent((s, e) -> s.apply(e, settings.eventLogSize()));
  }
}
