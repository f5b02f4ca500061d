-- A case register made by the first release (commit 047034d, store.py with PRAGMA user_version 1):
-- four cases from examples/intakes and lea.yaml, a status history and an audit log.
-- Built with that code and dumped with sqlite3 iterdump; tests/case/test_migrations.py upgrades it.
PRAGMA user_version = 1;
BEGIN TRANSACTION;
CREATE TABLE audit (
            id      INTEGER PRIMARY KEY,
            at      TEXT NOT NULL,
            os_user TEXT NOT NULL,
            action  TEXT NOT NULL,
            case_id TEXT                 -- never a field value
        ) STRICT
        ;
INSERT INTO "audit" VALUES(1,'2026-12-06T02:50:20+00:00','root','angelegt','ME-2025-0142');
INSERT INTO "audit" VALUES(2,'2026-12-06T02:50:20+00:00','root','angelegt','UN-2025-0089');
INSERT INTO "audit" VALUES(3,'2026-12-06T02:50:20+00:00','root','angelegt','HE-2025-0019');
INSERT INTO "audit" VALUES(4,'2026-12-06T02:50:20+00:00','root','angelegt','ME-2026-0001');
INSERT INTO "audit" VALUES(5,'2026-12-06T02:50:20+00:00','root','status','ME-2025-0142');
INSERT INTO "audit" VALUES(6,'2026-12-06T02:50:20+00:00','root','status','ME-2025-0142');
INSERT INTO "audit" VALUES(7,'2026-12-06T02:50:20+00:00','root','status','HE-2025-0019');
INSERT INTO "audit" VALUES(8,'2026-12-06T02:50:20+00:00','root','angesehen','UN-2025-0089');
CREATE TABLE case_id_counters (
            prefix TEXT NOT NULL,
            year   INTEGER NOT NULL,
            last   INTEGER NOT NULL,
            PRIMARY KEY (prefix, year)
        ) STRICT
        ;
INSERT INTO "case_id_counters" VALUES('ME',2025,142);
INSERT INTO "case_id_counters" VALUES('UN',2025,89);
INSERT INTO "case_id_counters" VALUES('HE',2025,19);
INSERT INTO "case_id_counters" VALUES('ME',2026,1);
CREATE TABLE cases (
            case_id     TEXT PRIMARY KEY,
            district    TEXT,
            intake_date TEXT NOT NULL,   -- ISO date of the counselling
            birth_date  TEXT NOT NULL,   -- the pupil's: finds an intake added twice
            created_at  TEXT NOT NULL,
            updated_at  TEXT NOT NULL,
            status      TEXT NOT NULL,   -- the status of the latest status event
            intake      TEXT NOT NULL,   -- the validated intake@1 as JSON
            source      TEXT             -- the file the intake was read from
        ) STRICT
        ;
INSERT INTO "cases" VALUES('ME-2025-0142','kreis-mettmann','2025-09-15','2013-02-11','2026-12-06T02:50:20+00:00','2026-12-06T02:50:20+00:00','zugewiesen','{"format": "seiteneinsteiger/intake@1", "case_id": "ME-2025-0142", "intake_date": "2025-09-15", "district": "kreis-mettmann", "counselling": {"counsellor": "S. Yilmaz", "interpreter": {"language": "ar", "kind": "pool"}, "consent": {"date": "2025-09-15", "scope": ["school", "schulamt", "statistics"]}}, "pupil": {"family_name": "Haddad", "given_names": "Amal", "name_original": "أمل حداد", "gender": "w", "birth_date": "2013-02-11", "birth_date_estimated": false, "country_of_birth": "SY", "nationalities": ["SY"], "arrival_date": "2025-07-30", "municipality": "Ratingen", "residence": "municipality", "first_languages": ["ar"], "address": {"street": "Mühlenweg 3", "postcode": "40878"}}, "family": {"guardians": [{"name": "Rana Haddad", "relation": "mother", "phone": "+49 151 00000142", "email": null}, {"name": "Khaled Haddad", "relation": "father", "phone": "+49 151 00000143", "email": null}], "contact_language": "ar", "interpreter_needed": true, "siblings": [{"given_names": "Omar", "birth_year": 2016}]}, "languages": {"german": "none", "english": "A1", "others": [], "literacy": "other_script", "scripts": ["arabic"]}, "schooling": {"years": 5, "last_grade": 5, "interrupted_years": 2, "school_type": "primary", "german_school_since": null, "german_school_years": 0, "foreign_languages": ["en"], "online_home_school": false, "apprenticeship_start": null, "certificates": [{"kind": "grade_report", "country": "SY", "year": 2023, "note": "Zeugnis Klasse 5 (Aleppo), arabisch, nicht übersetzt"}]}, "competences": {"maths": "below", "basis": ["conversation", "task"]}, "support_needs": {"indications": [], "documented": [], "health_note": null}, "wishes": {"note": "Eltern wünschen eine Schule, die Amal zu Fuß erreichen kann"}, "confidential_notes": "2023 mit der Mutter in den Libanon geflohen, dort kein Schulbesuch. Einreise im Juli 2025 über Familiennachzug zum Vater (seit 2022 in Ratingen)."}','examples/intakes/amal-haddad.yaml');
INSERT INTO "cases" VALUES('UN-2025-0089','kreis-unna','2025-12-08','2016-02-19','2026-12-06T02:50:20+00:00','2026-12-06T02:50:20+00:00','beraten','{"format": "seiteneinsteiger/intake@1", "case_id": "UN-2025-0089", "intake_date": "2025-12-08", "district": "kreis-unna", "counselling": {"counsellor": "K. Brandt", "interpreter": {"language": "ckb", "kind": "family"}}, "pupil": {"family_name": "Aziz", "given_names": "Hawre", "name_original": "هاوڕێ عەزیز", "gender": "m", "birth_date": "2016-02-19", "birth_date_estimated": false, "country_of_birth": "IQ", "nationalities": ["IQ"], "arrival_date": "2025-10-27", "municipality": "Selm", "residence": "municipality", "first_languages": ["ckb"], "address": {"street": "Kreisstraße 30", "postcode": "59379"}}, "family": {"guardians": [{"name": "Karwan Aziz", "relation": "father", "phone": "+49 1520 0000089", "email": null}, {"name": "Shilan Ahmed", "relation": "mother", "phone": null, "email": null}], "contact_language": "ckb", "interpreter_needed": true, "siblings": []}, "languages": {"german": "none", "english": "A1", "others": [{"language": "ar", "level": "A1"}], "literacy": "other_script", "scripts": ["arabic"]}, "schooling": {"years": 3, "last_grade": 4, "interrupted_years": 0, "school_type": "primary", "german_school_since": null, "german_school_years": 0, "foreign_languages": ["en", "ar"], "online_home_school": false, "apprenticeship_start": null, "certificates": []}, "competences": {"maths": "at_grade", "basis": ["conversation", "task"]}, "support_needs": {"indications": [], "documented": [], "health_note": null}, "wishes": {"school_form": "grundschule"}, "confidential_notes": null}','examples/intakes/hawre-aziz.yaml');
INSERT INTO "cases" VALUES('HE-2025-0019','stadt-herne','2025-08-20','2019-09-30','2026-12-06T02:50:20+00:00','2026-12-06T02:50:20+00:00','aufgenommen','{"format": "seiteneinsteiger/intake@1", "case_id": "HE-2025-0019", "intake_date": "2025-08-20", "district": "stadt-herne", "counselling": {"counsellor": "A. Wiesner", "interpreter": {"language": "bg", "kind": "pool"}, "consent": {"date": "2025-08-20", "scope": ["school", "schulamt", "gesundheitsamt", "statistics"]}}, "pupil": {"family_name": "Petrova", "given_names": "Viktoria", "name_original": "Виктория Петрова", "gender": "w", "birth_date": "2019-09-30", "birth_date_estimated": false, "country_of_birth": "BG", "nationalities": ["BG"], "arrival_date": "2025-07-15", "municipality": "Herne", "residence": "municipality", "first_languages": ["bg"], "address": {"street": "Hauptstraße 200", "postcode": "44649"}}, "family": {"guardians": [{"name": "Georgi Petrov", "relation": "father", "phone": "+49 151 00000019", "email": null}, {"name": "Maria Petrova", "relation": "mother", "phone": "+49 151 00000020", "email": null}], "contact_language": "bg", "interpreter_needed": true, "siblings": []}, "languages": {"german": "none", "english": "none", "others": [], "literacy": "none", "scripts": []}, "schooling": {"years": 0, "interrupted_years": 0, "school_type": "kindergarten", "german_school_since": null, "german_school_years": 0, "foreign_languages": [], "online_home_school": false, "apprenticeship_start": null, "certificates": []}, "competences": {"basis": ["conversation"]}, "support_needs": {"indications": [], "documented": [], "health_note": null}, "wishes": {"school_form": "grundschule", "note": "Grundschule in Wanne, die auch die Cousine besucht"}, "confidential_notes": null}','examples/intakes/viktoria-petrova.yaml');
INSERT INTO "cases" VALUES('ME-2026-0001','kreis-mettmann','2026-01-12','2014-05-01','2026-12-06T02:50:20+00:00','2026-12-06T02:50:20+00:00','beraten','{"format": "seiteneinsteiger/intake@1", "case_id": "ME-2026-0001", "intake_date": "2026-01-12", "district": "kreis-mettmann", "pupil": {"family_name": "Neumann", "given_names": "Lea", "birth_date": "2014-05-01", "country_of_birth": "NO"}}','lea.yaml');
CREATE TABLE status_events (
            id          INTEGER PRIMARY KEY,
            case_id     TEXT NOT NULL REFERENCES cases (case_id) ON DELETE CASCADE,
            at          TEXT NOT NULL,   -- ISO date the status took effect
            status      TEXT NOT NULL,
            note        TEXT,
            recorded_at TEXT NOT NULL
        ) STRICT
        ;
INSERT INTO "status_events" VALUES(1,'ME-2025-0142','2025-09-15','beraten',NULL,'2026-12-06T02:50:20+00:00');
INSERT INTO "status_events" VALUES(2,'UN-2025-0089','2025-12-08','beraten',NULL,'2026-12-06T02:50:20+00:00');
INSERT INTO "status_events" VALUES(3,'HE-2025-0019','2025-08-20','beraten',NULL,'2026-12-06T02:50:20+00:00');
INSERT INTO "status_events" VALUES(4,'ME-2026-0001','2026-01-12','beraten',NULL,'2026-12-06T02:50:20+00:00');
INSERT INTO "status_events" VALUES(5,'ME-2025-0142','2025-10-01','vorgeschlagen','GE Ratingen','2026-12-06T02:50:20+00:00');
INSERT INTO "status_events" VALUES(6,'ME-2025-0142','2025-10-06','zugewiesen',NULL,'2026-12-06T02:50:20+00:00');
INSERT INTO "status_events" VALUES(7,'HE-2025-0019','2025-09-01','aufgenommen',NULL,'2026-12-06T02:50:20+00:00');
CREATE INDEX status_events_by_case ON status_events (case_id, id);
CREATE INDEX cases_by_status ON cases (status, district);
CREATE INDEX cases_by_birth_date ON cases (birth_date);
COMMIT;
