package dev.vivarium.datastore.lease;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A host's heartbeat slot. Only {@code counter} is compared by observers; the wall-clock time
 * is for people reading the datastore, since clocks of different hosts are not comparable.
 */
public record HeartbeatRecord(String host, long counter, long wallMillis) {
    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(host);
            out.writeLong(counter);
            out.writeLong(wallMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static HeartbeatRecord decode(byte[] payload) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            return new HeartbeatRecord(in.readUTF(), in.readLong(), in.readLong());
        }
    }
}
