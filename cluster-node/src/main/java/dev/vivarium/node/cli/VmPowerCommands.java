package dev.vivarium.node.cli;

import dev.vivarium.node.api.Json;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vivarium vm power-on|power-off|reset|shutdown|pause|unpause|suspend|resume|migrate NAME}:
 * each starts a task with {@code POST /api/v1/vms/NAME/OPERATION} and waits for it.
 */
final class VmPowerCommands {

    private VmPowerCommands() {
    }

    /** One operation: the subcommand's name is the operation's name in the URL. */
    abstract static class Operation implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "The VM.")
        String name;

        @Mixin TaskOptions task;

        /** The operation's argument ({"argument": ...}), null for none. */
        String argument() {
            return null;
        }

        @Override
        public Integer call() {
            String op = getClass().getAnnotation(Command.class).name();
            String body = argument() == null ? null : Json.write(Map.of("argument", argument()));
            return task.run("vm " + op, "POST", "/api/v1/vms/" + name + "/" + op, body);
        }
    }

    @Command(name = "power-on", mixinStandardHelpOptions = true,
            description = "Power the VM on (a suspended one resumes from its checkpoint); waits until it runs.")
    static final class PowerOn extends Operation {
    }

    @Command(name = "power-off", mixinStandardHelpOptions = true,
            description = "Power the VM off hard (its running state is lost); waits until it runs nowhere.")
    static final class PowerOff extends Operation {
    }

    @Command(name = "reset", mixinStandardHelpOptions = true, description = "Press the VM's reset button: the guest boots again.")
    static final class Reset extends Operation {
    }

    @Command(name = "shutdown", mixinStandardHelpOptions = true,
            description = "Ask the guest to shut down (powered off hard if it does not in time); the VM is then powered off.")
    static final class Shutdown extends Operation {
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Pause the VM: it stays in its host's memory but runs no instruction.")
    static final class Pause extends Operation {
    }

    @Command(name = "unpause", mixinStandardHelpOptions = true, description = "Let a paused VM run again.")
    static final class Unpause extends Operation {
    }

    @Command(name = "suspend", mixinStandardHelpOptions = true,
            description = "Suspend the VM to the datastore and free its host; resume brings it back on any host.")
    static final class Suspend extends Operation {
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a suspended VM from its checkpoint.")
    static final class Resume extends Operation {
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = "Move the running VM to another host (VMotion: not built yet, the API answers 501).")
    static final class Migrate extends Operation {
        @Option(names = "--to", paramLabel = "HOST", description = "The host to move it to.")
        String to;

        @Override
        String argument() {
            return to;
        }
    }
}
