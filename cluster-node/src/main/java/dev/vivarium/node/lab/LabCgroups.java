package dev.vivarium.node.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One control group (cgroup v2) per node process of a namespaced lab, so nftables can tell the
 * nodes' packets apart by the socket that sends or receives them ({@code socket cgroupv2}). By
 * address it cannot: inside the lab's namespace every outgoing connection leaves from
 * 127.0.0.1, whatever address the node listens on (measured: rules by address cut nothing).
 * A node joins its group before its JVM starts (a shell writes its own pid into the group, then
 * execs the node), so no socket of it was ever outside. Needs root and cgroup v2 mounted at or
 * below /sys/fs/cgroup, where nftables looks up the paths its rules name.
 */
public final class LabCgroups {

    /** Where nftables resolves the cgroup paths of {@code socket cgroupv2} rules. */
    private static final Path NFT_CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    /** A mounted cgroup v2 hierarchy: where it is mounted and which of its groups is the mount's root. */
    record Mount(Path mountPoint, Path root) {
    }

    private LabCgroups() {
    }

    /** The cgroup v2 mount nftables can use (at or below /sys/fs/cgroup), or empty. */
    static Optional<Mount> mount() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [TAGS] - FSTYPE SOURCE SUPEROPTIONS
                String[] f = line.split(" ");
                int dash = List.of(f).indexOf("-");
                if (dash > 0 && dash + 1 < f.length && "cgroup2".equals(f[dash + 1])) {
                    Path point = Path.of(unescape(f[4]));
                    if (point.startsWith(NFT_CGROUP_ROOT) && Files.isWritable(point)) {
                        return Optional.of(new Mount(point, Path.of(unescape(f[3]))));
                    }
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return Optional.empty();
    }

    /** Why a lab here cannot have a group per node, or empty when it can. */
    public static Optional<String> unavailable() {
        return mount().isPresent() ? Optional.empty()
                : Optional.of("no writable cgroup v2 hierarchy mounted at or below " + NFT_CGROUP_ROOT);
    }

    /** Makes the lab's group ({@code vivarium-HASH} under the hierarchy's root); false when the machine has none. */
    static boolean create(LabDir dir, String namespace) throws IOException {
        Optional<Mount> m = mount();
        if (m.isEmpty()) {
            Files.deleteIfExists(file(dir));
            return false;
        }
        Path group = m.get().mountPoint().resolve(namespace);
        Files.createDirectories(group);
        Files.writeString(file(dir), group + "\n");
        return true;
    }

    /** The lab's group, when it has one. */
    static Optional<Path> group(LabDir dir) {
        try {
            return Files.isRegularFile(file(dir)) ? Optional.of(Path.of(Files.readString(file(dir)).strip())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * What a node's command is started under so that its process is in the node's group from its
     * first instruction on: {@code sh -c 'echo $$ > GROUP/cgroup.procs && exec "$@"'}. Empty
     * when the lab has no groups.
     */
    static List<String> joinPrefix(LabDir dir, String node) throws IOException {
        Optional<Path> lab = group(dir);
        if (lab.isEmpty()) {
            return List.of();
        }
        Path group = lab.get().resolve(node);
        Files.createDirectories(group);
        return List.of("/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", group.resolve("cgroup.procs").toString());
    }

    /** A node's group as an nftables rule names it: its path below /sys/fs/cgroup and its depth in the hierarchy. */
    public record RulePath(String path, int level) {
    }

    /** The node's group for {@code socket cgroupv2 level L "PATH"}, when the lab has groups. */
    public static Optional<RulePath> rulePath(LabDir dir, String node) {
        Optional<Path> lab = group(dir);
        Optional<Mount> m = mount();
        if (lab.isEmpty() || m.isEmpty()) {
            return Optional.empty();
        }
        Path group = lab.get().resolve(node);
        // The level counts from the hierarchy's root, of which the mount may show only a part.
        int level = depth(m.get().root()) + depth(m.get().mountPoint().relativize(group));
        return Optional.of(new RulePath(NFT_CGROUP_ROOT.relativize(group).toString(), level));
    }

    /** Removes the lab's groups (each must be empty: called once its processes ended); what is still in use stays. */
    static void remove(LabDir dir) throws IOException {
        Optional<Path> lab = group(dir);
        if (lab.isPresent() && Files.isDirectory(lab.get())) {
            try (var nodes = Files.list(lab.get())) {
                // A group is removed by rmdir even though the kernel shows files in it.
                nodes.filter(Files::isDirectory).forEach(p -> LabNetwork.run("/bin/rmdir", p.toString()));
            }
            LabNetwork.run("/bin/rmdir", lab.get().toString());
        }
        Files.deleteIfExists(file(dir));
    }

    private static int depth(Path relative) {
        String s = relative.toString();
        return s.isEmpty() || s.equals("/") ? 0 : (int) Path.of("/").relativize(Path.of("/").resolve(s)).getNameCount();
    }

    private static Path file(LabDir dir) {
        return dir.path().resolve("cgroup");
    }

    /** Mount paths in mountinfo escape blanks and a few others as octal ({@code \040}). */
    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\\' && i + 3 < s.length()) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(s.charAt(i));
            }
        }
        return out.toString();
    }
}
