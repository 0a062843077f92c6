package dev.vivarium.node.cli;

import dev.vivarium.x86.cli.X86Command;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top of the `vivarium` command tree; each concern contributes its own subcommands. */
@Command(name = "vivarium",
        mixinStandardHelpOptions = true,
        version = "vivarium 0.1.0",
        description = "A high-availability cluster of emulated x86 virtual machines.",
        subcommands = {X86Command.class, NodeCommand.class, LabCommand.class, HostCommand.class,
                VmCommand.class, EventsCommand.class, ConsoleCommand.class, TaskCommand.class, FaultCommand.class,
                BenchCommand.class, RuleCommand.class, DrsCommand.class, ExperimentCommand.class})
public final class VivariumCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        // vm list, host list and events start without picocli's model of every command (see QuickCommands).
        System.exit(QuickCommands.run(args).orElseGet(() -> newCommandLine().execute(args)));
    }

    /** Usage errors exit 2, as the x86 commands document; picocli's own default is also 2. */
    static CommandLine newCommandLine() {
        return new CommandLine(new VivariumCommand());
    }
}
