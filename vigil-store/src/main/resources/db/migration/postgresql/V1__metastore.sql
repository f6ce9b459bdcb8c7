-- The metastore: models, their versions, the datasets of each version and API tokens.
-- Specs are stored as JSON text in the shape of the REST API (SpecCodec), so a new spec key
-- needs no migration. Ids use the "C" collation so that list order is the same as on H2.

CREATE TABLE models (
    id         TEXT COLLATE "C" PRIMARY KEY,
    name       TEXT NOT NULL,
    spec       TEXT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE model_versions (
    model_id   TEXT COLLATE "C" NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    version    TEXT COLLATE "C" NOT NULL,
    spec       TEXT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (model_id, version)
);

CREATE TABLE datasets (
    model_id     TEXT COLLATE "C" NOT NULL,
    version      TEXT COLLATE "C" NOT NULL,
    kind         TEXT NOT NULL,
    -- the connection without its password
    spec         TEXT NOT NULL,
    -- the password, AES-256-GCM encrypted by SecretCipher ("v1:..."); null when there is none
    password_enc TEXT,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (model_id, version, kind),
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    -- hex SHA-256 of the token; the token itself is never stored
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at TIMESTAMP WITH TIME ZONE
);
