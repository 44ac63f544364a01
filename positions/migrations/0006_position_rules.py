"""The rules of a position on a proposal or an act, once 0005 has carried every position over."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("positions", "0005_carry_over_to_proposals")]

    operations = [
        migrations.AddConstraint(
            model_name='position',
            constraint=models.UniqueConstraint(models.F('proposal'), models.F('participant'), models.F('stance'), models.F('source'), django.db.models.functions.text.MD5('quote'), condition=models.Q(('proposal__isnull', False)), name='position_unique_statement', violation_error_message='This source already records these words of this participant on this proposal.'),
        ),
        migrations.AddConstraint(
            model_name='position',
            constraint=models.CheckConstraint(condition=models.Q(('stance', ''), ('stance__in', ['supports', 'opposes', 'blocks', 'abstains', 'neutral', 'protests']), _connector='OR'), name='position_stance_valid'),
        ),
        migrations.AddConstraint(
            model_name='position',
            constraint=models.CheckConstraint(condition=models.Q(('evidence__in', ['quoted', 'inferred', 'cited'])), name='position_evidence_valid'),
        ),
        migrations.AddConstraint(
            model_name='position',
            constraint=models.CheckConstraint(condition=models.Q(('act', ''), ('act__in', ['walk_out', 'boycott', 'statement']), _connector='OR'), name='position_act_valid'),
        ),
        migrations.AddConstraint(
            model_name='position',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('proposal__isnull', False), ('act', '')), models.Q(('proposal__isnull', True), models.Q(('act', ''), _negated=True)), _connector='OR'), name='position_proposal_or_act', violation_error_message='A position answers a proposal, or else it is an act (a walk-out, a boycott, a statement): choose one.'),
        ),
        migrations.AddConstraint(
            model_name='position',
            constraint=models.CheckConstraint(condition=models.Q(('proposal__isnull', True), models.Q(('meeting__isnull', False), ('agenda_item__isnull', False)), _connector='OR'), name='position_proposal_sets_meeting', violation_error_message="A position on a proposal is at the proposal's meeting."),
        ),
        migrations.AddConstraint(
            model_name='position',
            constraint=models.CheckConstraint(condition=models.Q(('proposal__isnull', False), ('agenda_item__isnull', True), _connector='OR'), name='position_item_only_with_proposal'),
        ),
        migrations.AddConstraint(
            model_name='position',
            constraint=models.CheckConstraint(condition=models.Q(('act', ''), ('meeting__isnull', False), ('working_body__isnull', False), _connector='OR'), name='position_act_has_place', violation_error_message='An act happens at a meeting or is aimed at a working body: name one.'),
        ),
        migrations.AddConstraint(
            model_name='position',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('stance', ''), _negated=True), models.Q(('act', ''), _negated=True), _connector='OR'), name='position_stance_required_on_proposal', violation_error_message='Choose a stance on the proposal.'),
        ),
        migrations.AddConstraint(
            model_name='position',
            constraint=models.CheckConstraint(condition=models.Q(('working_body__isnull', True), models.Q(('act', ''), _negated=True), _connector='OR'), name='position_working_body_only_for_acts', violation_error_message='Only an act is aimed at a working body.'),
        ),
        migrations.AddConstraint(
            model_name='position',
            constraint=models.CheckConstraint(condition=models.Q(('attribution', 'reported'), models.Q(('reported_by__isnull', True), ('reported_by_outlet', ''), ('reported_by_person__isnull', True)), _connector='OR'), name='position_reported_by_only_when_reported', violation_error_message='Only a reported position names who reported it.'),
        ),
        migrations.AddConstraint(
            model_name='position',
            constraint=models.CheckConstraint(condition=models.Q(('attribution', 'stated'), ('reported_by__isnull', False), ('reported_by_person__isnull', False), models.Q(('reported_by_outlet', ''), _negated=True), _connector='OR'), name='position_reported_names_reporter', violation_error_message='A reported position names who reported it: a participant, a person or an outlet.'),
        ),
        migrations.AddConstraint(
            model_name='position',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('evidence', 'cited'), ('quote', '')), models.Q(models.Q(('evidence', 'cited'), _negated=True), models.Q(('quote', ''), _negated=True)), _connector='OR'), name='position_quote_unless_cited', violation_error_message="Quote the source, unless the evidence is 'cited' (then no quote is stored)."),
        ),
        migrations.AddConstraint(
            model_name='position',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('evidence', 'inferred'), _negated=True), models.Q(('note', ''), _negated=True), _connector='OR'), name='position_inferred_has_note', violation_error_message='An inferred position says in the note how it is read from the quote.'),
        ),
    ]
