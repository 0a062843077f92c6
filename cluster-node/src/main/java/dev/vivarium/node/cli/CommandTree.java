package dev.vivarium.node.cli;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Builds picocli's tree for one command line. Picocli reads the annotations of every command it
 * is given, by reflection, when the tree is made: the whole tree cost most of a second of each
 * CLI call, while {@code vm power-on} needs only {@code vivarium}, {@code vm} and
 * {@code power-on}. So a {@link CommandGroup} gets only the subcommand the next word names; when
 * the word names none of them (help, a typo, an option, no word at all) it gets all of them, so
 * that help lists them and picocli's suggestions know them. Groups that name their subcommands in
 * the annotation get them all from picocli, as before.
 */
final class CommandTree {

    private CommandTree() {
    }

    /** The tree that parses {@code args}, from {@code top} down. */
    static CommandLine forArgs(Object top, String... args) {
        return build(top, args, 0);
    }

    /** {@code command} with the branch {@code args} take from word {@code next} on (all branches past the last word). */
    private static CommandLine build(Object command, String[] args, int next) {
        CommandLine line = new CommandLine(command);
        if (command instanceof CommandGroup group) {
            List<Class<?>> named = next < args.length
                    ? group.subcommands().stream().filter(c -> namedBy(c, args[next])).toList() : List.of();
            boolean all = named.isEmpty();
            for (Class<?> sub : all ? group.subcommands() : named) {
                line.addSubcommand(build(instantiate(sub), args, all ? args.length : next + 1));
            }
        }
        return line;
    }

    private static boolean namedBy(Class<?> command, String word) {
        Command c = command.getAnnotation(Command.class);
        return c.name().equals(word) || Arrays.asList(c.aliases()).contains(word);
    }

    private static Object instantiate(Class<?> command) {
        try {
            return CommandLine.defaultFactory().create(command);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the command " + command.getName(), e);
        }
    }
}
