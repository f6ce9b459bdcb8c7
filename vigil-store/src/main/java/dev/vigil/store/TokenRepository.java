package dev.vigil.store;

import dev.vigil.core.VigilArgumentException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * API tokens: {@code vgl_} + base64url of 32 random bytes. Only the SHA-256 of a token is stored;
 * 256 bits of entropy make a slow password hash pointless (ADR 0002).
 */
public final class TokenRepository {
    private static final String PREFIX = "vgl_";
    private static final int TOKEN_BYTES = 32;
    /** {@code last_used_at} is written at most this often per token, so that reads stay reads. */
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    /** The shortest {@code VIGIL_ADMIN_TOKEN} taken: about 190 bits when random base64, as generated tokens have 256. */
    static final int MIN_CONFIGURED_LENGTH = 32;

    /** Longer than any token Vigil makes or takes: such a string is not looked up (nor hashed). */
    private static final int MAX_LENGTH = 512;

    private static final String SELECT = "SELECT id, name, role, created_at, expires_at, last_used_at, bootstrap";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;
    private final FailedAttempts attempts;

    TokenRepository(Database db, Clock clock) {
        this.db = db;
        this.attempts = new FailedAttempts(clock);
    }

    /** Failed token checks per remote address: whoever checks a token for a caller counts its failures here. */
    public FailedAttempts attempts() {
        return attempts;
    }

    /**
     * A new random token named {@code name} with {@code role}, valid for {@code validFor} from now (null: it does not
     * expire). Its plaintext is returned this once and never stored.
     */
    public NewToken create(String name, Role role, Duration validFor) {
        requireName(name);
        String token = newToken();
        TokenInfo info = db.inTransaction("create token " + name, c -> {
            Instant now = db.now().toInstant();
            // A new id on every attempt: a (very unlikely) clash is retried by the Database.
            TokenInfo created =
                    new TokenInfo(newId(), name, role, now, validFor == null ? null : now.plus(validFor), null, false);
            insert(c, created, hash(token));
            return created;
        });
        return new NewToken(info, token);
    }

    /**
     * A new random admin token for the server itself (its first start); it replaces any earlier one of its kind.
     * Its plaintext is returned this once and never stored.
     */
    public NewToken createBootstrapAdmin() {
        String token = newToken();
        TokenInfo info = db.inTransaction("create the admin token", c -> replaceBootstrap(c, hash(token)));
        return new NewToken(info, token);
    }

    /**
     * Makes {@code plaintext} (from {@code VIGIL_ADMIN_TOKEN}) the server's admin token: stored if it is new, and
     * every earlier admin token of the server's configuration revoked, so that rotating the variable rotates the
     * token. Returns how many earlier ones were revoked.
     */
    public int ensureBootstrapAdmin(String plaintext) {
        if (plaintext == null || plaintext.strip().length() < MIN_CONFIGURED_LENGTH) {
            throw new VigilArgumentException("VIGIL_ADMIN_TOKEN: expected at least " + MIN_CONFIGURED_LENGTH
                    + " characters (e.g. the output of `openssl rand -base64 32`), got "
                    + (plaintext == null ? 0 : plaintext.strip().length()));
        }
        String hash = hash(plaintext.strip());
        return db.inTransaction("store the admin token", c -> {
            Optional<TokenInfo> existing = findByHash(c, hash);
            if (existing.isPresent() && !existing.get().bootstrap() && isPreRolesAdmin(existing.get())) {
                // stored by a server from before roles, under the name it gave its own admin token: adopt it
                try (PreparedStatement ps = c.prepareStatement("UPDATE api_tokens SET bootstrap = TRUE WHERE id = ?")) {
                    ps.setString(1, existing.get().id());
                    ps.executeUpdate();
                }
                existing = findByHash(c, hash);
            }
            if (existing.isPresent() && !existing.get().bootstrap()) {
                throw new VigilArgumentException("VIGIL_ADMIN_TOKEN: is already stored as the token '"
                        + existing.get().name() + "'; choose a new value for the admin token");
            }
            int before = count(c, "SELECT COUNT(*) FROM api_tokens WHERE bootstrap AND token_hash <> ?", hash);
            if (existing.isEmpty()) {
                replaceBootstrap(c, hash);
            } else {
                deleteOtherBootstraps(c, hash);
            }
            return before;
        });
    }

    /**
     * The token if {@code plaintext} is a stored token that has not expired; records the use. An expired or unknown
     * token gives nothing ({@link #expired} tells which, for the message).
     */
    public Optional<TokenInfo> authenticate(String plaintext) {
        if (!plausible(plaintext)) {
            return Optional.empty();
        }
        // Looking up by hash reveals nothing useful through timing: an attacker controls the token, not its hash.
        String hash = hash(plaintext);
        return db.inTransaction("check a token", c -> {
            Optional<TokenInfo> found = findByHash(c, hash);
            OffsetDateTime now = db.now();
            if (found.isEmpty() || found.get().expiredAt(now.toInstant())) {
                return Optional.empty();
            }
            TokenInfo info = found.get();
            Instant last = info.lastUsedAt();
            if (last != null && Duration.between(last, now.toInstant()).compareTo(LAST_USED_RESOLUTION) < 0) {
                return found;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")) {
                ps.setObject(1, now);
                ps.setString(2, info.id());
                ps.executeUpdate();
            }
            return Optional.of(info.usedAt(now.toInstant()));
        });
    }

    /** The token {@code plaintext} is, if it is stored and has expired: for telling its holder so. */
    public Optional<TokenInfo> expired(String plaintext) {
        if (!plausible(plaintext)) {
            return Optional.empty();
        }
        String hash = hash(plaintext);
        return db.inTransaction("check a token", c -> findByHash(c, hash))
                .filter(t -> t.expiredAt(db.now().toInstant()));
    }

    /** The token with this id while it is valid (stored and not expired): for sessions made from a token. */
    public Optional<TokenInfo> findValid(String id) {
        return db.inTransaction("find token " + id, c -> {
                    try (PreparedStatement ps = c.prepareStatement(SELECT + " FROM api_tokens WHERE id = ?")) {
                        ps.setString(1, id);
                        try (ResultSet rs = ps.executeQuery()) {
                            return rs.next() ? Optional.of(read(rs)) : Optional.<TokenInfo>empty();
                        }
                    }
                })
                .filter(t -> !t.expiredAt(db.now().toInstant()));
    }

    /** Every token, oldest first; never the token nor its hash. */
    public List<TokenInfo> list() {
        return db.inTransaction("list tokens", c -> {
            List<TokenInfo> tokens = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(SELECT + " FROM api_tokens ORDER BY created_at, id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tokens.add(read(rs));
                }
            }
            return tokens;
        });
    }

    /** Deletes the token with this id; false if there was none. */
    public boolean revoke(String id) {
        return db.inTransaction("revoke token " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_tokens WHERE id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** True when no token is stored (the first start). */
    public boolean isEmpty() {
        return db.inTransaction("count tokens", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM api_tokens FETCH FIRST 1 ROWS ONLY");
                    ResultSet rs = ps.executeQuery()) {
                return !rs.next();
            }
        });
    }

    /** Whether {@code plaintext} could be a token at all: anything longer than any token is refused unread. */
    private static boolean plausible(String plaintext) {
        return plaintext != null && !plaintext.isEmpty() && plaintext.length() <= MAX_LENGTH;
    }

    /** A token a server made for itself before tokens had roles: named {@code admin}, an admin, never expiring. */
    private static boolean isPreRolesAdmin(TokenInfo t) {
        return t.name().equals("admin") && t.role() == Role.ADMIN && t.expiresAt() == null;
    }

    private TokenInfo replaceBootstrap(Connection c, String hash) throws SQLException {
        deleteOtherBootstraps(c, hash);
        TokenInfo created = new TokenInfo(newId(), "admin", Role.ADMIN, db.now().toInstant(), null, null, true);
        insert(c, created, hash);
        return created;
    }

    private static void deleteOtherBootstraps(Connection c, String hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_tokens WHERE bootstrap AND token_hash <> ?")) {
            ps.setString(1, hash);
            ps.executeUpdate();
        }
    }

    private static int count(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static void insert(Connection c, TokenInfo info, String hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_tokens"
                + " (id, name, role, token_hash, created_at, expires_at, last_used_at, bootstrap)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, info.id());
            ps.setString(2, info.name());
            ps.setString(3, info.role().spec());
            ps.setString(4, hash);
            ps.setObject(5, Database.timestamp(info.createdAt()));
            ps.setObject(6, Database.timestamp(info.expiresAt()));
            ps.setObject(7, Database.timestamp(info.lastUsedAt()));
            ps.setBoolean(8, info.bootstrap());
            ps.executeUpdate();
        }
    }

    private static Optional<TokenInfo> findByHash(Connection c, String hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + ", token_hash FROM api_tokens WHERE token_hash = ?")) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                // The index found it; compare again in constant time rather than trust collation rules.
                boolean same = MessageDigest.isEqual(
                        rs.getString("token_hash").getBytes(StandardCharsets.US_ASCII),
                        hash.getBytes(StandardCharsets.US_ASCII));
                return same ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static TokenInfo read(ResultSet rs) throws SQLException {
        return new TokenInfo(
                rs.getString("id"),
                rs.getString("name"),
                Role.parse(rs.getString("role"), "api_tokens.role"),
                Database.instant(rs, "created_at"),
                Database.instant(rs, "expires_at"),
                Database.instant(rs, "last_used_at"),
                rs.getBoolean("bootstrap"));
    }

    private static void requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new VigilArgumentException("token name: is required");
        }
    }

    /** Hex SHA-256 of the token's UTF-8 bytes. */
    static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String newToken() {
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(TOKEN_BYTES));
    }

    private static String newId() {
        return "tok_" + HexFormat.of().formatHex(randomBytes(4));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
