package dev.vivarium.node.lab;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Carries a lab's API across its network namespace: a node inside the namespace accepts on a
 * Unix socket in the lab's folder (a file, so reachable from any namespace) and relays to its
 * own API; the lab's gateway, outside, accepts on 127.0.0.1 and relays to that socket. Bytes
 * are copied both ways as they come, so event and console streams flow too.
 */
public final class ApiRelay {

    private ApiRelay() {
    }

    /** Accepts on the Unix socket {@code path} (replacing a stale one) and relays each connection to {@code target}. */
    public static void fromUnixSocket(Path path, SocketAddress target) throws IOException {
        Files.deleteIfExists(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        acceptForever(server, target, "api relay " + path.getFileName());
    }

    /** Accepts on the TCP address {@code listen} and relays each connection to the Unix socket {@code path}. */
    public static void toUnixSocket(SocketAddress listen, Path path) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(listen);
        acceptForever(server, UnixDomainSocketAddress.of(path), "gateway " + listen);
    }

    private static void acceptForever(ServerSocketChannel server, SocketAddress target, String name) {
        daemon(name, () -> {
            while (server.isOpen()) {
                try {
                    SocketChannel client = server.accept();
                    try {
                        SocketChannel upstream = SocketChannel.open(target);
                        daemon(name + " up", () -> pump(client, upstream));
                        daemon(name + " down", () -> pump(upstream, client));
                    } catch (IOException unreachable) {
                        client.close(); // the node is not up (yet): the caller sees the connection end and tries again
                    }
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private static void pump(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
        } catch (IOException e) {
            // one side went away
        }
        try {
            to.shutdownOutput();
        } catch (IOException e) {
            // already closed
        }
        try {
            from.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }
}
