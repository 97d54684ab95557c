"""A closed ballot and its votes cannot be altered by anyone, the admin and raw SQL included:
database triggers refuse the change. The service layer checks first, with a clear message; the
triggers are the last line."""
from django.db import migrations

POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION governance_refuse_closed_vote() RETURNS trigger AS $$
    DECLARE item_id bigint;
    BEGIN
        IF TG_OP = 'DELETE' THEN item_id := OLD.item_id; ELSE item_id := NEW.item_id; END IF;
        IF EXISTS (SELECT 1 FROM governance_agendaitem
                   WHERE id = item_id AND ballot_status = 'closed') THEN
            RAISE EXCEPTION 'ballot % is closed: its votes cannot change', item_id;
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END; $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER governance_vote_closed_ballot
    BEFORE INSERT OR UPDATE OR DELETE ON governance_vote
    FOR EACH ROW EXECUTE FUNCTION governance_refuse_closed_vote();
    """,
    """
    CREATE OR REPLACE FUNCTION governance_refuse_closed_item() RETURNS trigger AS $$
    BEGIN
        IF OLD.ballot_status = 'closed' THEN
            RAISE EXCEPTION 'ballot % is closed: its tally cannot change', OLD.id;
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END; $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER governance_agendaitem_closed
    BEFORE UPDATE OR DELETE ON governance_agendaitem
    FOR EACH ROW EXECUTE FUNCTION governance_refuse_closed_item();
    """,
]

SQLITE = [
    """
    CREATE TRIGGER governance_vote_closed_insert BEFORE INSERT ON governance_vote
    WHEN (SELECT ballot_status FROM governance_agendaitem WHERE id = NEW.item_id) = 'closed'
    BEGIN SELECT RAISE(ABORT, 'ballot is closed: its votes cannot change'); END;
    """,
    """
    CREATE TRIGGER governance_vote_closed_update BEFORE UPDATE ON governance_vote
    WHEN (SELECT ballot_status FROM governance_agendaitem WHERE id = OLD.item_id) = 'closed'
    BEGIN SELECT RAISE(ABORT, 'ballot is closed: its votes cannot change'); END;
    """,
    """
    CREATE TRIGGER governance_vote_closed_delete BEFORE DELETE ON governance_vote
    WHEN (SELECT ballot_status FROM governance_agendaitem WHERE id = OLD.item_id) = 'closed'
    BEGIN SELECT RAISE(ABORT, 'ballot is closed: its votes cannot change'); END;
    """,
    """
    CREATE TRIGGER governance_item_closed_update BEFORE UPDATE ON governance_agendaitem
    WHEN OLD.ballot_status = 'closed'
    BEGIN SELECT RAISE(ABORT, 'ballot is closed: its tally cannot change'); END;
    """,
    """
    CREATE TRIGGER governance_item_closed_delete BEFORE DELETE ON governance_agendaitem
    WHEN OLD.ballot_status = 'closed'
    BEGIN SELECT RAISE(ABORT, 'ballot is closed: its tally cannot change'); END;
    """,
]


def create_triggers(apps, schema_editor):
    statements = {"postgresql": POSTGRES, "sqlite": SQLITE}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS governance_vote_closed_ballot ON governance_vote")
        schema_editor.execute("DROP TRIGGER IF EXISTS governance_agendaitem_closed ON governance_agendaitem")
    elif vendor == "sqlite":
        for name in ("vote_closed_insert", "vote_closed_update", "vote_closed_delete",
                     "item_closed_update", "item_closed_delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS governance_{name}")


class Migration(migrations.Migration):
    dependencies = [("governance", "0003_evaluation")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
