package dev.vivarium.node.cli;

import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.Table;
import dev.vivarium.node.fault.FaultRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vivarium fault ...}: failure injection into a lab (POST /api/v1/faults); refused outside one. */
@Command(name = "fault", mixinStandardHelpOptions = true,
        description = "Inject failures into a lab: kill, freeze/thaw, partition/heal, datastore-off/on, guest-crash, guest-hang; list.",
        subcommands = {FaultCommand.OnHosts.class, FaultCommand.Partition.class, FaultCommand.Heal.class,
                FaultCommand.Guest.class, FaultCommand.ListFaults.class})
public final class FaultCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** POSTs the fault through a node it does not hit, and prints what was done. */
    static int inject(String command, LabDirOption dir, FaultRequest request) {
        return ApiCall.run("fault " + command, dir, request.hosts(), api -> {
            Map<String, Object> fault = Json.MAPPER.readValue(api.send("POST", "/api/v1/faults", Json.write(request)).body(),
                    new com.fasterxml.jackson.core.type.TypeReference<>() { });
            System.out.println(request.kind() + " " + (request.vm() != null ? request.vm() : String.join(" ", request.hosts()))
                    + (request.from().isEmpty() ? "" : " from " + String.join(" ", request.from())) + ": " + fault.get("detail")
                    + " (fault " + fault.get("id") + ")");
        });
    }

    @Command(name = "kill", aliases = {"freeze", "thaw", "datastore-off", "datastore-on"}, mixinStandardHelpOptions = true,
            description = "kill HOST...: SIGKILL (a power loss); freeze/thaw HOST...: SIGSTOP/SIGCONT (a hung host); "
                    + "datastore-off/on HOST...: the host's own datastore operations fail, or work again.")
    static final class OnHosts implements Callable<Integer> {
        @Mixin LabDirOption dir;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(arity = "1..*", paramLabel = "HOST") List<String> hosts;

        @Override
        public Integer call() {
            String kind = spec.commandLine().getParseResult().originalArgs().stream()
                    .filter(a -> List.of("kill", "freeze", "thaw", "datastore-off", "datastore-on").contains(a)).findFirst().orElse("kill");
            return inject(kind, dir, new FaultRequest(kind, hosts, List.of(), null));
        }
    }

    @Command(name = "partition", mixinStandardHelpOptions = true,
            description = "The HOSTS lose the others (or those given with --from) on the network, until heal. Needs the lab's "
                    + "network namespace (lab up as root).")
    static final class Partition implements Callable<Integer> {
        @Mixin LabDirOption dir;
        @Parameters(arity = "1..*", paramLabel = "HOST") List<String> hosts;
        @Option(names = "--from", arity = "1..*", paramLabel = "HOST", description = "The hosts they lose (default: all others).")
        List<String> from = List.of();

        @Override
        public Integer call() {
            return inject("partition", dir, new FaultRequest("partition", hosts, from, null));
        }
    }

    @Command(name = "heal", mixinStandardHelpOptions = true, description = "Ends every partition.")
    static final class Heal implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Override
        public Integer call() {
            return inject("heal", dir, new FaultRequest("heal", List.of(), List.of(), null));
        }
    }

    @Command(name = "guest-crash", aliases = "guest-hang", mixinStandardHelpOptions = true,
            description = "guest-crash VM: a triple fault inside the guest (the PC resets); guest-hang VM: the guest loops where it "
                    + "is (its output and tools heartbeat stop).")
    static final class Guest implements Callable<Integer> {
        @Mixin LabDirOption dir;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "VM") String vm;

        @Override
        public Integer call() {
            String kind = spec.commandLine().getParseResult().originalArgs().contains("guest-hang") ? "guest-hang" : "guest-crash";
            return inject(kind, dir, new FaultRequest(kind, List.of(), List.of(), vm));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The faults injected into the lab, and which still last.")
    static final class ListFaults implements Callable<Integer> {
        @Mixin LabDirOption dir;
        @Option(names = "--json", description = "Print the API's JSON array instead of a table.") boolean json;

        @Override
        public Integer call() {
            return ApiCall.list("fault list", dir, json, "/api/v1/faults",
                    new Table("ID", "KIND", "HOSTS", "FROM", "VM", "ACTIVE", "AT", "ENDED", "BY"),
                    f -> new Object[] {f.get("id"), f.get("kind"), String.join(",", strings(f.get("hosts"))),
                            String.join(",", strings(f.get("from"))), f.get("vm"), f.get("active"), f.get("at"), f.get("endedAt"), f.get("by")});
        }

        @SuppressWarnings("unchecked")
        private static List<String> strings(Object o) {
            return o == null ? List.of() : (List<String>) o;
        }
    }
}
