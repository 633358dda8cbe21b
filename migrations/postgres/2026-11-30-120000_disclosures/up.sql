-- The disclosure register (verwerkingsregister; seed 002 appendix 3, issue #14): per board, to
-- whom personal data is given, what for, on which lawful basis (AVG art. 6 lid 1) and which data.
-- Lists are in id order: ids are UUIDv7, so a board's rows read in the order they were written.

CREATE TABLE disclosures (
    id              TEXT PRIMARY KEY,
    board_id        TEXT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    recipient       TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    legal_basis     TEXT NOT NULL CHECK (legal_basis IN ('consent', 'contract', 'legal_obligation',
                                                         'vital_interest', 'public_task',
                                                         'legitimate_interest')),
    -- What data goes ("naam, BSN, verzuim"); NULL where the register does not say.
    data_categories TEXT,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX disclosures_board_idx ON disclosures (board_id, id);

-- Every board there is starts with the seed's eleven rows (boards made later get them from the
-- code, in the transaction that makes the board). Their ids are UUIDv7 whose time is the row's
-- place in milliseconds before now: they keep the seed's order, and a row added right after the
-- migration still sorts after them. The rest of each id is random.
WITH defaults (place, recipient, purpose, legal_basis) AS (VALUES
    (1, 'Dienst Uitvoering Onderwijs', 'Bekostiging', 'legal_obligation'),
    (2, 'Educatieve uitgeverijen en Basispoort', 'Gebruik digitale leermiddelen', 'legitimate_interest'),
    (3, 'Basisscholen of scholen voor voortgezet onderwijs', 'Overdracht leerlingdossier (na aanmelding)', 'legal_obligation'),
    (4, 'Externe Onderwijsspecialisten', 'Zorgbegeleiding van een leerling', 'consent'),
    (5, 'Stagiaires', 'Opleiden', 'legitimate_interest'),
    (6, 'Samenwerkingsverband', 'Toelaatbaarheidsverklaring afgeven', 'legal_obligation'),
    (7, 'Activiteitencommissie', 'Innen ouderbijdrage', 'consent'),
    (8, 'GGD/JGZ', 'Bezoek schoolarts', 'consent'),
    (9, 'Inspectie van het onderwijs', 'Toezicht', 'legal_obligation'),
    (10, 'Administratiekantoor', 'Salarisadministratie en HR-management', 'legitimate_interest'),
    (11, 'Leerplicht Gemeente', 'Controle verzuim', 'legal_obligation')
)
INSERT INTO disclosures (id, board_id, recipient, purpose, legal_basis, data_categories,
                         created_at, updated_at)
SELECT substr(stamp, 1, 8) || '-' || substr(stamp, 9, 4) || '-7' || substr(random_id, 16),
       board_id, recipient, purpose, legal_basis, NULL, now() AT TIME ZONE 'UTC',
       now() AT TIME ZONE 'UTC'
FROM (
    -- gen_random_uuid() is a v4: its version digit (the 15th character) becomes 7, the rest stays.
    SELECT lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint - 12 + place), 12, '0')
               AS stamp,
           gen_random_uuid()::text AS random_id,
           boards.id AS board_id, recipient, purpose, legal_basis
    FROM boards CROSS JOIN defaults
) AS rows;
