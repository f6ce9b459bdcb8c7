-- The metastore: models, their versions, the datasets of each version and API tokens.
-- Specs are stored as JSON text in the shape of the REST API (SpecCodec), so a new spec key
-- needs no migration. Keep in step with ../postgresql/V1__metastore.sql.

CREATE TABLE models (
    id         VARCHAR(200) PRIMARY KEY,
    name       VARCHAR(1000) NOT NULL,
    spec       CHARACTER LARGE OBJECT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE model_versions (
    model_id   VARCHAR(200) NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    version    VARCHAR(200) NOT NULL,
    spec       CHARACTER LARGE OBJECT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (model_id, version)
);

CREATE TABLE datasets (
    model_id     VARCHAR(200) NOT NULL,
    version      VARCHAR(200) NOT NULL,
    kind         VARCHAR(20) NOT NULL,
    -- the connection without its password
    spec         CHARACTER LARGE OBJECT NOT NULL,
    -- the password, AES-256-GCM encrypted by SecretCipher ("v1:..."); null when there is none
    password_enc VARCHAR(10000),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (model_id, version, kind),
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
);

CREATE TABLE api_tokens (
    id           VARCHAR(64) PRIMARY KEY,
    name         VARCHAR(1000) NOT NULL,
    -- hex SHA-256 of the token; the token itself is never stored
    token_hash   VARCHAR(64) NOT NULL UNIQUE,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at TIMESTAMP WITH TIME ZONE
);
