package dev.vivarium.datastore.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** What a snapshot's header says about it besides its name. */
public record SnapshotMetadata(String name, String description, long createdAtMillis) {
    byte[] encode(long seq) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(seq);
            out.writeUTF(name);
            out.writeUTF(description);
            out.writeLong(createdAtMillis);
        }
        return bytes.toByteArray();
    }

    /** @return the metadata, after checking it names the expected snapshot and sequence */
    static SnapshotMetadata decode(byte[] meta, SnapshotInfo expected) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(meta))) {
            long seq = in.readLong();
            SnapshotMetadata decoded = new SnapshotMetadata(in.readUTF(), in.readUTF(), in.readLong());
            if (seq != expected.seq() || !decoded.name.equals(expected.name())) {
                throw new IOException("snapshot file " + expected.file() + " holds '" + decoded.name + "' seq " + seq);
            }
            return decoded;
        }
    }
}
