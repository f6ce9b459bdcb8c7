package dev.vigil.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Who this server is among those sharing a metastore (decision 0022): a random id drawn at start, so that a restarted
 * server is a new holder, with the host and process id for the humans reading a run failed past its lease ("server
 * srv_3f9a0c1e on host db-2, pid 4121 stopped renewing its lease at …").
 */
public record ServerId(String id, String host, long pid) {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new id for this process. */
    public static ServerId create() {
        byte[] bytes = new byte[4];
        RANDOM.nextBytes(bytes);
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown";
        }
        return new ServerId(
                "srv_" + HexFormat.of().formatHex(bytes),
                host,
                ProcessHandle.current().pid());
    }

    /** What the metastore records as the holder of a run, a lease or a claim: id, host and pid. */
    @Override
    public String toString() {
        return id + " on host " + host + ", pid " + pid;
    }
}
