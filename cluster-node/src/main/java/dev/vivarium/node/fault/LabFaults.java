package dev.vivarium.node.fault;

import dev.vivarium.node.api.ApiException;
import dev.vivarium.node.hosts.VmActors;
import dev.vivarium.node.lab.LabDir;
import dev.vivarium.vm.actor.VmCommand;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The lab's fault injection, carried out by whichever node the request reaches: signals to the
 * nodes' processes, the nodes' own links to the datastore, nftables rules in the lab's network
 * namespace, and faults inside guests through their VM actors. Every fault is real (the code
 * under test reads no flag), recorded in the lab's fault log, and an event.
 */
public final class LabFaults implements Faults {

    /** A node that hits itself (kill, freeze) answers first, then does it. */
    private static final Duration SELF_DELAY = Duration.ofMillis(300);

    private final String self;
    private final FaultLog log;
    private final HostProcesses processes;
    private final DatastoreSwitch datastores;
    private final NetworkPartitions network;
    private final VmActors vms;
    private final FaultEvents events;
    private final Clock clock;

    public LabFaults(String self, LabDir lab, VmActors vms, FaultEvents events, Clock clock) {
        this.self = self;
        this.log = new FaultLog(lab.path());
        this.processes = new HostProcesses(lab);
        this.datastores = new DatastoreSwitch(lab);
        this.network = new NetworkPartitions(lab);
        this.vms = vms;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public List<FaultRecord> list() {
        return log.read();
    }

    @Override
    public CompletionStage<FaultRecord> inject(FaultRequest request) {
        FaultKind kind = FaultKind.fromApiName(request.kind());
        if (kind == null) {
            throw ApiException.badRequest("kind: '" + request.kind() + "' is no fault; faults: " + FaultKind.names());
        }
        return switch (kind) {
            case GUEST_CRASH, GUEST_HANG -> guest(kind, request);
            case HEAL -> done(heal());
            default -> done(onHosts(kind, request));
        };
    }

    private FaultRecord onHosts(FaultKind kind, FaultRequest request) {
        if (request.hosts().isEmpty()) {
            throw ApiException.badRequest(kind.apiName() + " needs hosts: {\"hosts\": [\"host-1\"]}");
        }
        List<Long> pids = new ArrayList<>();
        for (String host : request.hosts()) {
            pids.add(processes.pid(host)); // every host checked before any is hit
        }
        String detail;
        switch (kind) {
            case KILL -> {
                signalAll(request.hosts(), pids, "KILL");
                detail = "SIGKILL to the node process (pid " + pids + "): a power loss";
            }
            case FREEZE -> {
                signalAll(request.hosts(), pids, "STOP");
                detail = "SIGSTOP to the node process (pid " + pids + "): hung until thawed";
            }
            case THAW -> {
                signalAll(request.hosts(), pids, "CONT");
                end(FaultKind.FREEZE, request.hosts());
                detail = "SIGCONT to the node process (pid " + pids + ")";
            }
            case DATASTORE_OFF -> {
                request.hosts().forEach(datastores::off);
                detail = "the host's link to the datastore now leads to " + DatastoreSwitch.UNREACHABLE
                        + ": its file operations fail";
            }
            case DATASTORE_ON -> {
                request.hosts().forEach(datastores::on);
                end(FaultKind.DATASTORE_OFF, request.hosts());
                detail = "the host's link leads to the datastore again";
            }
            case PARTITION -> detail = network.partition(request.hosts(), request.from());
            default -> throw new IllegalStateException(kind.toString());
        }
        return record(kind, request, detail);
    }

    /** Hits the other hosts now and this node's own process last, after its answer has left. */
    private void signalAll(List<String> hosts, List<Long> pids, String signal) {
        for (int i = 0; i < hosts.size(); i++) {
            long pid = pids.get(i);
            if (hosts.get(i).equals(self)) {
                CompletableFuture.delayedExecutor(SELF_DELAY.toMillis(), TimeUnit.MILLISECONDS)
                        .execute(() -> HostProcesses.signal(pid, signal));
            } else {
                HostProcesses.signal(pid, signal);
            }
        }
    }

    private FaultRecord heal() {
        String detail = network.heal();
        end(FaultKind.PARTITION, null);
        return record(FaultKind.HEAL, new FaultRequest(FaultKind.HEAL.apiName(), List.of(), List.of(), null), detail);
    }

    private CompletionStage<FaultRecord> guest(FaultKind kind, FaultRequest request) {
        if (request.vm() == null || request.vm().isBlank()) {
            throw ApiException.badRequest(kind.apiName() + " needs a VM: {\"vm\": \"counter-1\"}");
        }
        String what = kind == FaultKind.GUEST_CRASH ? VmCommand.InjectGuestFault.CRASH : VmCommand.InjectGuestFault.HANG;
        return vms.ask(request.vm(), r -> new VmCommand.InjectGuestFault(what, r), Duration.ofSeconds(5))
                .thenApply(VmActors::outcome)
                .thenApply(outcome -> record(kind, request, kind == FaultKind.GUEST_CRASH
                        ? "its next interrupt cannot be delivered (IDT limit 0): a triple fault, the PC resets"
                        : "its current instruction became JMP $: its output and tools heartbeat stop"));
    }

    private FaultRecord record(FaultKind kind, FaultRequest request, String detail) {
        String now = clock.instant().toString();
        FaultRecord fault = new FaultRecord(UUID.randomUUID().toString().substring(0, 8), kind.apiName(), request.hosts(),
                request.from(), request.vm(), kind.lasting(), now, null, self, detail);
        log.update(list -> {
            list.add(fault);
            return list;
        });
        String subject = request.vm() != null ? request.vm() : String.join(",", request.hosts());
        events.publish(kind == FaultKind.THAW || kind == FaultKind.HEAL || kind == FaultKind.DATASTORE_ON ? "FaultHealed"
                : "FaultInjected", subject.isEmpty() ? "lab" : subject, kind.apiName() + " "
                + (subject.isEmpty() ? "" : subject + " ") + (request.from().isEmpty() ? "" : "from " + request.from() + " ")
                + "(" + fault.id() + "): " + detail);
        return fault;
    }

    /** Ends the active faults of {@code kind} on {@code hosts} (null: all of that kind). */
    private void end(FaultKind kind, List<String> hosts) {
        String now = clock.instant().toString();
        log.update(list -> {
            list.replaceAll(f -> f.active() && f.kind().equals(kind.apiName())
                    && (hosts == null || hosts.containsAll(f.hosts())) ? f.ended(now) : f);
            return list;
        });
    }

    private static CompletionStage<FaultRecord> done(FaultRecord record) {
        return CompletableFuture.completedFuture(record);
    }
}
