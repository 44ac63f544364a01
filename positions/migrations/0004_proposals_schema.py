"""Proposals, their accounts, and the new fields of a position (its proposal, meeting, act, evidence,
reporting person, working body). Positions' new rules are added in 0006, after 0005 carries the data over."""

import django.db.models.deletion
import django.db.models.functions.text
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('governance', '0001_initial'),
        ('meetings', '0005_cited_sources'),
        ('positions', '0003_quote_search_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalProposal',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('text', models.CharField(help_text="Phrased as something to support or oppose, e.g. 'Put Russia's diamonds and the war in Ukraine on the agenda'.", max_length=500, verbose_name='proposal')),
                ('stage', models.CharField(choices=[('agenda', 'agenda (whether to take the matter up)'), ('decision', 'decision (the substance)'), ('communique', 'communiqué (the wording of the final text)')], help_text="Agenda: whether to take the matter up. Decision: the substance. Communiqué: the wording of the meeting's final text.", max_length=10)),
                ('updated_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical proposal',
                'verbose_name_plural': 'historical proposals',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalProposalAccount',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('decided_by', models.CharField(blank=True, choices=[('consensus', 'consensus'), ('vote', 'vote'), ('written_procedure', 'written procedure')], help_text='Leave empty when no source says.', max_length=20)),
                ('result', models.CharField(blank=True, choices=[('adopted', 'adopted'), ('blocked', 'blocked'), ('no_consensus', 'no consensus'), ('rejected', 'rejected (lost a vote)'), ('withdrawn', 'withdrawn'), ('deferred', 'deferred'), ('not_taken_up', 'not taken up'), ('pending', 'pending')], help_text='Leave empty when no source reports it.', max_length=16)),
                ('votes_for', models.PositiveIntegerField(blank=True, null=True)),
                ('votes_against', models.PositiveIntegerField(blank=True, null=True)),
                ('abstentions', models.PositiveIntegerField(blank=True, null=True)),
                ('result_note', models.TextField(blank=True, help_text='Conditions attached to the result, and what the sources say of it.')),
                ('inferred', models.BooleanField(default=False, help_text='Tick when how it was decided, its result or its proposers are a reading of the sources rather than their words; say how in the note.', verbose_name='a reading')),
                ('updated_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical account of the decision',
                'verbose_name_plural': 'historical accounts of the decision',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalProposalAccount_proposed_by',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
            ],
            options={
                'verbose_name': 'HistoricalProposalAccount_proposed_by',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalProposalAccount_sources',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
            ],
            options={
                'verbose_name': 'HistoricalProposalAccount_sources',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Proposal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.CharField(help_text="Phrased as something to support or oppose, e.g. 'Put Russia's diamonds and the war in Ukraine on the agenda'.", max_length=500, verbose_name='proposal')),
                ('stage', models.CharField(choices=[('agenda', 'agenda (whether to take the matter up)'), ('decision', 'decision (the substance)'), ('communique', 'communiqué (the wording of the final text)')], help_text="Agenda: whether to take the matter up. Decision: the substance. Communiqué: the wording of the meeting's final text.", max_length=10)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'ordering': ['agenda_item__meeting__start_date', 'agenda_item__issue__title', 'stage', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='ProposalAccount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('decided_by', models.CharField(blank=True, choices=[('consensus', 'consensus'), ('vote', 'vote'), ('written_procedure', 'written procedure')], help_text='Leave empty when no source says.', max_length=20)),
                ('result', models.CharField(blank=True, choices=[('adopted', 'adopted'), ('blocked', 'blocked'), ('no_consensus', 'no consensus'), ('rejected', 'rejected (lost a vote)'), ('withdrawn', 'withdrawn'), ('deferred', 'deferred'), ('not_taken_up', 'not taken up'), ('pending', 'pending')], help_text='Leave empty when no source reports it.', max_length=16)),
                ('votes_for', models.PositiveIntegerField(blank=True, null=True)),
                ('votes_against', models.PositiveIntegerField(blank=True, null=True)),
                ('abstentions', models.PositiveIntegerField(blank=True, null=True)),
                ('result_note', models.TextField(blank=True, help_text='Conditions attached to the result, and what the sources say of it.')),
                ('inferred', models.BooleanField(default=False, help_text='Tick when how it was decided, its result or its proposers are a reading of the sources rather than their words; say how in the note.', verbose_name='a reading')),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'account of the decision',
                'verbose_name_plural': 'accounts of the decision',
                'ordering': ['proposal', 'pk'],
            },
        ),
        migrations.AlterModelOptions(
            name='position',
            options={'ordering': ['meeting__start_date', 'agenda_item__issue__title', 'participant__name']},
        ),
        migrations.RemoveConstraint(
            model_name='position',
            name='position_unique_per_source',
        ),
        migrations.RemoveConstraint(
            model_name='position',
            name='position_stance_valid',
        ),
        migrations.RemoveConstraint(
            model_name='position',
            name='position_reported_by_only_when_reported',
        ),
        migrations.RemoveConstraint(
            model_name='position',
            name='position_reported_names_reporter',
        ),
        migrations.RemoveConstraint(
            model_name='position',
            name='position_quote_required',
        ),
        migrations.AddField(
            model_name='historicalposition',
            name='act',
            field=models.CharField(blank=True, choices=[('walk_out', 'walk-out'), ('boycott', 'boycott'), ('statement', 'statement')], help_text='For an act that answers no proposal: a walk-out, a boycott, a statement.', max_length=10),
        ),
        migrations.AddField(
            model_name='historicalposition',
            name='evidence',
            field=models.CharField(choices=[('quoted', 'quoted (the quote states it)'), ('inferred', 'inferred (a reading of the quote)'), ('cited', 'cited (the source is cited, no quote stored)')], default='quoted', help_text='Quoted: the quote states it. Inferred: a reading of the quote (say how in the note). Cited: the source is cited, no quote is stored.', max_length=10),
        ),
        migrations.AddField(
            model_name='historicalposition',
            name='meeting',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='Set from the proposal. For an act: the meeting it happened at, if any.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='meetings.meeting'),
        ),
        migrations.AddField(
            model_name='historicalposition',
            name='reported_by_person',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='For a reported position: the person who reported it, where named.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='meetings.person'),
        ),
        migrations.AddField(
            model_name='historicalposition',
            name='working_body',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='For an act aimed at a committee or working group, e.g. a boycott.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='governance.workingbody'),
        ),
        migrations.AddField(
            model_name='position',
            name='act',
            field=models.CharField(blank=True, choices=[('walk_out', 'walk-out'), ('boycott', 'boycott'), ('statement', 'statement')], help_text='For an act that answers no proposal: a walk-out, a boycott, a statement.', max_length=10),
        ),
        migrations.AddField(
            model_name='position',
            name='evidence',
            field=models.CharField(choices=[('quoted', 'quoted (the quote states it)'), ('inferred', 'inferred (a reading of the quote)'), ('cited', 'cited (the source is cited, no quote stored)')], default='quoted', help_text='Quoted: the quote states it. Inferred: a reading of the quote (say how in the note). Cited: the source is cited, no quote is stored.', max_length=10),
        ),
        migrations.AddField(
            model_name='position',
            name='meeting',
            field=models.ForeignKey(blank=True, help_text='Set from the proposal. For an act: the meeting it happened at, if any.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='positions', to='meetings.meeting'),
        ),
        migrations.AddField(
            model_name='position',
            name='reported_by_person',
            field=models.ForeignKey(blank=True, help_text='For a reported position: the person who reported it, where named.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='reported_positions', to='meetings.person'),
        ),
        migrations.AddField(
            model_name='position',
            name='working_body',
            field=models.ForeignKey(blank=True, help_text='For an act aimed at a committee or working group, e.g. a boycott.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='positions', to='governance.workingbody'),
        ),
        migrations.AlterField(
            model_name='historicalposition',
            name='agenda_item',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='positions.agendaitem'),
        ),
        migrations.AlterField(
            model_name='historicalposition',
            name='quote',
            field=models.TextField(blank=True, help_text='Verbatim from the source. Empty only when the evidence is cited.'),
        ),
        migrations.AlterField(
            model_name='historicalposition',
            name='speaker',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text="The person whose words the quote is. Empty when the quote is the writer's own sentence.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='meetings.person'),
        ),
        migrations.AlterField(
            model_name='historicalposition',
            name='stance',
            field=models.CharField(blank=True, choices=[('supports', 'supports'), ('opposes', 'opposes'), ('blocks', 'blocks'), ('abstains', 'abstains'), ('neutral', 'neutral'), ('protests', 'protests (walk-out or boycott)')], help_text='Empty only for an act with no stance (a statement).', max_length=10),
        ),
        migrations.AlterField(
            model_name='position',
            name='agenda_item',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='positions', to='positions.agendaitem'),
        ),
        migrations.AlterField(
            model_name='position',
            name='quote',
            field=models.TextField(blank=True, help_text='Verbatim from the source. Empty only when the evidence is cited.'),
        ),
        migrations.AlterField(
            model_name='position',
            name='speaker',
            field=models.ForeignKey(blank=True, help_text="The person whose words the quote is. Empty when the quote is the writer's own sentence.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='positions', to='meetings.person'),
        ),
        migrations.AlterField(
            model_name='position',
            name='stance',
            field=models.CharField(blank=True, choices=[('supports', 'supports'), ('opposes', 'opposes'), ('blocks', 'blocks'), ('abstains', 'abstains'), ('neutral', 'neutral'), ('protests', 'protests (walk-out or boycott)')], help_text='Empty only for an act with no stance (a statement).', max_length=10),
        ),
        migrations.AddField(
            model_name='historicalproposal',
            name='agenda_item',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='positions.agendaitem'),
        ),
        migrations.AddField(
            model_name='historicalproposal',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalproposalaccount',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalproposalaccount_proposed_by',
            name='history',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='positions.historicalproposalaccount'),
        ),
        migrations.AddField(
            model_name='historicalproposalaccount_proposed_by',
            name='participant',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='meetings.participant'),
        ),
        migrations.AddField(
            model_name='historicalproposalaccount_sources',
            name='history',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='positions.historicalproposalaccount'),
        ),
        migrations.AddField(
            model_name='historicalproposalaccount_sources',
            name='source',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='meetings.source'),
        ),
        migrations.AddField(
            model_name='proposal',
            name='agenda_item',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='proposals', to='positions.agendaitem'),
        ),
        migrations.AddField(
            model_name='historicalproposalaccount',
            name='proposal',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='positions.proposal'),
        ),
        migrations.AddField(
            model_name='historicalposition',
            name='proposal',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='What the stance answers. Leave empty for an act that answers no proposal.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='positions.proposal'),
        ),
        migrations.AddField(
            model_name='position',
            name='proposal',
            field=models.ForeignKey(blank=True, help_text='What the stance answers. Leave empty for an act that answers no proposal.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='positions', to='positions.proposal'),
        ),
        migrations.AddIndex(
            model_name='position',
            index=models.Index(fields=['meeting', 'participant'], name='position_meeting_idx'),
        ),
        migrations.AddField(
            model_name='proposalaccount',
            name='proposal',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='accounts', to='positions.proposal'),
        ),
        migrations.AddField(
            model_name='proposalaccount',
            name='proposed_by',
            field=models.ManyToManyField(blank=True, related_name='proposals', to='meetings.participant'),
        ),
        migrations.AddField(
            model_name='proposalaccount',
            name='sources',
            field=models.ManyToManyField(blank=True, related_name='proposal_accounts', to='meetings.source'),
        ),
        migrations.AddField(
            model_name='historicalproposalaccount_sources',
            name='proposalaccount',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='positions.proposalaccount'),
        ),
        migrations.AddField(
            model_name='historicalproposalaccount_proposed_by',
            name='proposalaccount',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='positions.proposalaccount'),
        ),
        migrations.AddConstraint(
            model_name='proposal',
            constraint=models.UniqueConstraint(fields=('agenda_item', 'text'), name='proposal_unique_per_item', violation_error_message='This agenda item already holds a proposal with these words.'),
        ),
        migrations.AddConstraint(
            model_name='proposal',
            constraint=models.CheckConstraint(condition=models.Q(('stage__in', ['agenda', 'decision', 'communique'])), name='proposal_stage_valid'),
        ),
        migrations.AddConstraint(
            model_name='proposal',
            constraint=models.CheckConstraint(condition=models.Q(('text', ''), _negated=True), name='proposal_text_required', violation_error_message='Word the proposal.'),
        ),
        migrations.AddConstraint(
            model_name='proposalaccount',
            constraint=models.CheckConstraint(condition=models.Q(('decided_by', ''), ('decided_by__in', ['consensus', 'vote', 'written_procedure']), _connector='OR'), name='account_decided_by_valid'),
        ),
        migrations.AddConstraint(
            model_name='proposalaccount',
            constraint=models.CheckConstraint(condition=models.Q(('result', ''), ('result__in', ['adopted', 'blocked', 'no_consensus', 'rejected', 'withdrawn', 'deferred', 'not_taken_up', 'pending']), _connector='OR'), name='account_result_valid'),
        ),
        migrations.AddConstraint(
            model_name='proposalaccount',
            constraint=models.CheckConstraint(condition=models.Q(('decided_by', 'vote'), models.Q(('votes_for__isnull', True), ('votes_against__isnull', True), ('abstentions__isnull', True)), _connector='OR'), name='account_tally_only_with_vote', violation_error_message='A tally is given only for a proposal decided by a vote.'),
        ),
        migrations.AddConstraint(
            model_name='proposalaccount',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('result', 'rejected'), _negated=True), ('decided_by', 'vote'), _connector='OR'), name='account_rejected_only_by_vote', violation_error_message="'Rejected' means a vote was lost: set 'decided by' to vote."),
        ),
        migrations.AddConstraint(
            model_name='proposalaccount',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('result', 'blocked'), _negated=True), models.Q(('decided_by', 'vote'), _negated=True), _connector='OR'), name='account_blocked_not_by_vote', violation_error_message="A vote is lost, not blocked: use 'rejected'."),
        ),
        migrations.AddConstraint(
            model_name='proposalaccount',
            constraint=models.CheckConstraint(condition=models.Q(('inferred', False), models.Q(('result_note', ''), _negated=True), _connector='OR'), name='account_inferred_has_note', violation_error_message='A reading says in the note how it is read from the sources.'),
        ),
    ]
