"""Talk to someone (the officer) and Help requests (peer supporters and occupational health).

Thin views: who may see which request is portal.access's decision, what happens is services'."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import access, audit, notices
from portal.access import area_required
from wellbeing.checkins import availability
from wellbeing.checkins.selectors import support_contacts_for
from wellbeing.models import HelpContact, HelpRequest
from wellbeing.talk import selectors, services
from wellbeing.talk.counts import CONTACT_KINDS
from wellbeing.talk.forms import OH, ContactForm, TalkForm


@area_required("talk")
def talk(request):
    officer = request.user
    peers = list(access.peer_supporters_for(officer))
    form = TalkForm(request.POST if request.method == "POST" else None, peers=peers)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.help_request_send(
                officer=officer, peer=form.chosen_peer(), to_oh=form.cleaned_data["recipient"] == OH,
                shares=form.cleaned_data["shares"], urgent=form.cleaned_data["urgent"])
        except services.NotAllowed:
            form.add_error("recipient", _("That peer supporter is no longer available. Choose someone else."))
        else:
            messages.success(request, _("Your request has been sent."))
            return redirect("talk:sent", pk=sent.pk)
    return render(request, "wellbeing/talk/talk.html", {
        "form": form, "peers": peers, "notice": notices.NOTICES["talk"],
        "contacts": support_contacts_for(officer), "mine": selectors.own_requests(officer),
    })


@area_required("talk")
def sent(request, pk: int):
    help_request = access.get_own_or_404(request.user, HelpRequest.objects.select_related("peer"), pk)
    contacts = support_contacts_for(request.user)
    if help_request.urgent:
        # As after an urgent check-in: the lines that answer now come first (hazard H8).
        contacts = availability.crisis_first(contacts, oh_open=False)
    return render(request, "wellbeing/talk/sent.html", {
        "help_request": help_request, "shared": selectors.shared_rows(help_request), "contacts": contacts,
        "contact_log": list(help_request.contacts.all()),
    })


@area_required("help_queue")
def queue(request):
    rows = selectors.queue_for(request.user)
    audit.list_viewed(page="help_queue", rows=len(rows["active"]) + len(rows["closed"]))
    return render(request, "wellbeing/talk/queue.html", rows)


@area_required("help_queue")
def detail(request, pk: int, form=None):
    help_request = access.get_help_request_or_404(
        request.user, HelpRequest.objects.select_related("officer", "peer", "accepted_by"), pk)
    # Every read of a request is audited: who read whose request.
    audit.record("help_request_viewed", subject=help_request.officer_id, obj=help_request)
    return render(request, "wellbeing/talk/detail.html", {
        "help_request": help_request, "shared": selectors.shared_rows(help_request),
        "contact_log": list(help_request.contacts.all()),
        "form": form or ContactForm(not_before=timezone.localdate(help_request.created_at)),
        "case_link": request.user.is_oh and access.people_visible_to(request.user, access.CLINICAL_DETAIL).filter(
            pk=help_request.officer_id).exists(),
    }, status=400 if form is not None else 200)


@require_POST
@area_required("help_queue")
def accept(request, pk: int):
    help_request = access.get_help_request_or_404(request.user, HelpRequest.objects.all(), pk)
    if services.help_request_accept(request=help_request, by=request.user):
        messages.success(request, _("You have accepted this request. Please make contact soon."))
    return redirect("help:detail", pk=help_request.pk)


@require_POST
@area_required("help_queue")
def contact(request, pk: int):
    help_request = access.get_help_request_or_404(request.user, HelpRequest.objects.all(), pk)
    form = ContactForm(request.POST, not_before=timezone.localdate(help_request.created_at))
    if help_request.status == HelpRequest.Status.CLOSED:
        messages.error(request, _("This request is closed."))
        return redirect("help:detail", pk=help_request.pk)
    if not form.is_valid():
        return detail(request, pk, form=form)
    services.help_contact_record(request=help_request, by=request.user, on=form.cleaned_data["on"],
                                 kind=form.cleaned_data["kind"])
    messages.success(request, _("Contact recorded."))
    return redirect("help:detail", pk=help_request.pk)


@require_POST
@area_required("help_queue")
def close(request, pk: int):
    help_request = access.get_help_request_or_404(request.user, HelpRequest.objects.all(), pk)
    if services.help_request_close(request=help_request, by=request.user):
        messages.success(request, _("Request closed."))
    return redirect("help:queue")


@area_required("peer_levels")
def shared_levels(request):
    people = selectors.levels_shared_with(request.user)
    # Each person's level read is theirs to see on their privacy page ("Who has looked at my records").
    audit.record_many("peer_level_viewed", people, subject="pk",
                      detail=lambda p: {"level": p.shared_level or "none"})
    return render(request, "wellbeing/talk/shared_levels.html", {"people": people})


@area_required("help_counts")
def counts(request):
    rows = selectors.counts_for(request.user)
    audit.list_viewed(page="help_counts", rows=len(rows))
    kinds = [HelpContact.Kind(code).label for code in CONTACT_KINDS]
    return render(request, "wellbeing/talk/counts.html", {
        "rows": [{**row, "contacts": list(zip(kinds, row["contacts"], strict=True))} for row in rows], "kinds": kinds,
        # the wellbeing lead comes from the rules report and may not open the queue
        "back_to_queue": access.can_enter(request.user, "help_queue")})
