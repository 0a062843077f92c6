package dev.vivarium.node.cli;

import java.util.List;

/**
 * A command made of subcommands that it names here rather than in its {@code @Command}
 * annotation, so that {@link CommandTree} can build only the branch a command line takes.
 */
interface CommandGroup {

    /** The subcommands, in the order help lists them. */
    List<Class<?>> subcommands();
}
