package dev.vivarium.node.cli;

import dev.vivarium.x86.cli.X86Command;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The top of the `vivarium` command tree; each concern contributes its own subcommands, added
 * when the tree is made ({@link CommandTree}) rather than named in the annotation.
 */
@Command(name = "vivarium",
        mixinStandardHelpOptions = true,
        version = "vivarium 0.1.0",
        description = "A high-availability cluster of emulated x86 virtual machines.")
public final class VivariumCommand implements Runnable, CommandGroup {

    private static final List<Class<?>> COMMANDS = List.of(X86Command.class, NodeCommand.class, LabCommand.class,
            HostCommand.class, VmCommand.class, EventsCommand.class, ConsoleCommand.class, TaskCommand.class,
            FaultCommand.class, BenchCommand.class, RuleCommand.class, DrsCommand.class, ExperimentCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        // vm list, host list and events start without picocli's model of every command (see QuickCommands).
        System.exit(QuickCommands.run(args).orElseGet(() -> newCommandLine(args).execute(args)));
    }

    /**
     * The tree that parses {@code args}: only the branch they take (see {@link CommandTree}).
     * Usage errors exit 2, as the x86 commands document; picocli's own default is also 2.
     */
    static CommandLine newCommandLine(String... args) {
        return CommandTree.forArgs(new VivariumCommand(), args);
    }

    @Override
    public List<Class<?>> subcommands() {
        return COMMANDS;
    }
}
