#!/usr/bin/env python3
"""make-answers.py - writes the answers files of the golden cases.

Each golden case is three files in this directory:
  NN-name.json      the answers (input of `senda form fill`)
  NN-name.args      one line: FORM LANG TODAY (forms/FORM.ini, --lang, --today)
  NN-name.expected  the reviewed output of `senda form fill`
Cases are written as small changes to one baseline respondent so that each
one says what it tests.  Run it after changing a case; then regenerate the
outputs with ../../e2e/t2500-golden.sh (UPDATE=1) and READ every diff: an
expected file is a reviewed expectation, not a snapshot.
"""
import copy, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))

# An adult woman from Honduras in Tapachula, all consents given, no needs,
# no pathway: the intake produces no referral at all.
BASE = {
    "consent_version": "v2023_07",
    "consent_interview": True,
    "consent_share_legal": True,
    "consent_share_shelter": True,
    "consent_share_health": True,
    "consent_share_protection": True,
    "consent_share_us": True,
    "consent_share_mexico": True,
    "consent_share_canada": True,
    "consent_share_work": True,
    "given_name": "Ana",
    "family_name": "Pérez López",
    "dob_known": True,
    "date_of_birth": "1990-04-12",
    "sex": "female",
    "nationality": "honduras",
    "languages_spoken": ["spanish"],
    "documents_held": ["national_id"],
    "phone": "+52 962 555 0101",
    "contact_method": "whatsapp",
    "safe_to_call": True,
    "travelling_with_others": False,
    "lost_contact_family": False,
    "country_of_origin": "honduras",
    "date_left": "2023-07-01",
    "route_countries": ["guatemala"],
    "current_country": "mexico",
    "current_city": "Tapachula",
    "arrival_date": "2023-08-20",
    "intended_destination": "united_states",
    "need_shelter": False,
    "family_in_mexico": False,
    "fear_return": False,
    "violence_journey": False,
    "trafficking_debt": False,
    "trafficking_documents": False,
    "trafficking_forced_work": False,
    "trafficking_not_free": False,
    "gbv_disclosed": False,
    "medical_needs": False,
    "pregnant": False,
    "disability": ["no_difficulty"],
    "mental_distress": False,
    "mental_health_urgent": False,
    "cbp_one_appointment": False,
    "us_supporter": False,
    "us_family_petition": False,
    "canada_family": False,
    "work_skills": ["no_skill"],
    "mexico_status": "no_status",
    "wants_stay_mexico": False,
    "wants_work_permit": False,
    "caseworker_urgency": "normal",
    "caseworker_notes": "Baseline respondent.",
    "follow_up_date": "2023-09-15",
}
TODAY = "2023-09-01"

def member(name, rel, age, sex, **kw):
    m = {"member_name": name, "member_relationship": rel,
         "member_age": age, "member_sex": sex}
    if age < 18 and "member_child_status" not in kw:
        kw["member_child_status"] = "with_parent"
    m.update(kw)
    return m

# A Venezuelan man with a valid passport and a US supporter (CHNV).
VENEZUELAN = {"given_name": "Luis", "family_name": "Rangel", "sex": "male",
              "date_of_birth": "1985-02-03", "nationality": "venezuela",
              "country_of_origin": "venezuela",
              "documents_held": ["passport", "national_id"],
              "passport_expiry": "2027-05-01", "us_supporter": True,
              "us_supporter_filed": True}
HAITIAN = dict(VENEZUELAN, given_name="Jean", family_name="Baptiste",
               nationality="haiti", country_of_origin="haiti",
               languages_spoken=["haitian_creole", "french"],
               us_supporter_filed=False)

CASES = []
def case(name, changes=None, lang="en", today=TODAY, form="intake",
         drop=(), base=None):
    a = copy.deepcopy(BASE if base is None else base)
    for k in drop:
        a.pop(k, None)
    a.update(copy.deepcopy(changes or {}))
    CASES.append((name, a, form, lang, today))

case("baseline-no-referral")
case("cbp-one-asylum", {"cbp_one_appointment": True, "cbp_one_date": "2023-09-20"})
case("cbp-one-appointment-soon", {"cbp_one_appointment": True, "cbp_one_date": "2023-09-05"}, lang="es")
case("cbp-one-before-effective", {"cbp_one_appointment": True, "cbp_one_date": "2023-01-20",
     "date_left": "2022-12-01", "arrival_date": "2022-12-20", "follow_up_date": "2023-01-15"},
     today="2023-01-11")
case("cbp-one-last-day", {"cbp_one_appointment": True, "cbp_one_date": "2025-02-01",
     "follow_up_date": "2025-01-25"}, today="2025-01-19")
case("cbp-one-ended", {"cbp_one_appointment": True, "cbp_one_date": "2025-02-01",
     "follow_up_date": "2025-01-25"}, today="2025-01-20")
case("cbp-one-not-in-mexico", {"cbp_one_appointment": True, "cbp_one_date": "2023-09-20",
     "current_country": "guatemala", "current_city": "Tecún Umán"})
case("parole-venezuela-2022", dict(VENEZUELAN, date_left="2022-11-01", arrival_date="2022-11-20",
     follow_up_date="2022-12-15"), lang="es", today="2022-12-01")
case("parole-chnv-haiti", dict(HAITIAN, date_left="2023-01-20", arrival_date="2023-02-20",
     follow_up_date="2023-03-15"), lang="ht", today="2023-03-01")
case("parole-haiti-before-chnv", dict(HAITIAN, date_left="2022-12-01", arrival_date="2022-12-20",
     follow_up_date="2023-01-15"), lang="fr", today="2023-01-04")
case("parole-expired-passport", dict(VENEZUELAN, passport_expiry="2023-05-01"))
case("parole-chnv-ended", dict(VENEZUELAN, follow_up_date="2025-02-15"), today="2025-02-01")
case("family-reunification-guatemala", {"nationality": "guatemala", "country_of_origin": "guatemala",
     "us_family_petition": True, "route_countries": None, "follow_up_date": "2023-08-15", "date_left": "2023-06-01",
     "arrival_date": "2023-06-05"}, today="2023-08-01")
case("family-reunification-before", {"nationality": "guatemala", "country_of_origin": "guatemala",
     "us_family_petition": True, "route_countries": None, "follow_up_date": "2023-07-15", "date_left": "2023-06-01",
     "arrival_date": "2023-06-05"}, today="2023-07-09")
case("family-reunification-not-eligible", dict(VENEZUELAN, us_supporter=False,
     us_family_petition=True, us_supporter_filed=None))
case("safe-mobility-colombia", dict(VENEZUELAN, us_supporter=False, us_supporter_filed=None,
     current_country="colombia", current_city="Bogotá", route_countries=[],
     fear_return=True, fear_grounds=["political"], mexico_status=None,
     date_left="2023-05-01", arrival_date="2023-05-02", follow_up_date="2023-07-15"),
     lang="es", today="2023-07-01")
case("safe-mobility-before-opening", dict(VENEZUELAN, us_supporter=False, us_supporter_filed=None,
     current_country="colombia", current_city="Bogotá", route_countries=[],
     fear_return=True, fear_grounds=["political"], mexico_status=None,
     date_left="2023-05-01", arrival_date="2023-05-02", follow_up_date="2023-06-20"),
     today="2023-06-11")
case("safe-mobility-own-country", {"nationality": "colombia", "country_of_origin": "colombia",
     "current_country": "colombia", "current_city": "Cali", "route_countries": [],
     "fear_return": True, "fear_grounds": ["gangs"], "mexico_status": None})
case("h2-work-guatemala", {"given_name": "Marvin", "family_name": "Ajú", "sex": "male",
     "date_of_birth": "1995-06-30", "nationality": "guatemala", "country_of_origin": "guatemala",
     "route_countries": None,
     "languages_spoken": ["kiche", "spanish"], "work_skills": ["agriculture", "construction"],
     "work_experience_years": 6})
case("h2-work-not-eligible", dict(VENEZUELAN, us_supporter=False, us_supporter_filed=None,
     work_skills=["agriculture"], work_experience_years=10))
case("comar-asylum-family", {"fear_return": True, "fear_grounds": ["gangs", "domestic_violence"],
     "fear_details": "Threatened by a gang after refusing to pay.",
     "travelling_with_others": True,
     "members": [member("Sofía", "child", 7, "female"), member("Mateo", "child", 4, "male")]})
case("comar-asylum-late", {"fear_return": True, "fear_grounds": ["political"],
     "arrival_date": "2023-07-15"}, lang="es")
case("comar-already-applied", {"fear_return": True, "fear_grounds": ["gangs"],
     "mexico_status": "asylum_pending"})
case("humanitarian-visa-violence", {"violence_journey": True, "violence_kind": ["robbery", "threats"]})
case("regularisation-family", {"wants_stay_mexico": True, "family_in_mexico": True,
     "follow_up_date": "2023-10-15"}, today="2023-10-01")
case("regularisation-ended", {"wants_stay_mexico": True, "family_in_mexico": True,
     "follow_up_date": "2024-01-15"}, today="2024-01-01")
case("visitor-card-stay-and-work", {"mexico_status": "visitor_card", "wants_stay_mexico": True,
     "wants_work_permit": True, "violence_journey": True, "violence_kind": ["assault"],
     "work_skills": ["cleaning"], "work_experience_years": 3})
case("canada-humanitarian", {"given_name": "Camila", "family_name": "Rojas",
     "nationality": "colombia", "country_of_origin": "colombia", "canada_family": True,
     "canada_relative": "sibling", "travelling_with_others": True,
     "members": [member("Andrés", "spouse", 36, "male")],
     "follow_up_date": "2023-12-15"}, lang="fr", today="2023-12-01")
case("canada-before-opening", {"nationality": "haiti", "country_of_origin": "haiti",
     "canada_family": True, "canada_relative": "parent", "follow_up_date": "2023-11-30"},
     today="2023-11-16")
case("canada-cousin-only", {"nationality": "venezuela", "country_of_origin": "venezuela",
     "canada_family": True, "canada_relative": "other_relative", "follow_up_date": "2023-12-15"},
     today="2023-12-01")
case("legal-orientation-undecided", {"intended_destination": "undecided"}, lang="ht")
case("shelter-shares-only-its-fields", {"need_shelter": True, "fear_return": True,
     "fear_grounds": ["sexual_orientation_gender"], "fear_details": "Attacked at home.",
     "travelling_with_others": True,
     "members": [member("Lucía", "child", 9, "female"), member("Rosa", "parent", 61, "female",
                 member_special_needs=["older_person"])]})
case("shelter-consent-refused", {"need_shelter": True, "consent_share_shelter": False})
case("medical-late-pregnancy", {"medical_needs": False, "pregnant": True, "pregnancy_weeks": 34,
     "need_shelter": True}, lang="es")
case("medical-member-illness", {"travelling_with_others": True,
     "members": [member("Carlos", "spouse", 35, "male", member_special_needs=["serious_illness"],
                        member_documents=["national_id"]),
                 member("Dana", "child", 2, "female", member_special_needs=["no_need"])]})
case("psychosocial-urgent", {"mental_health_urgent": True, "mental_distress": True,
     "caseworker_urgency": "low"})
case("child-protection-separated", {"travelling_with_others": True,
     "members": [member("Kevin", "other_relative", 15, "male", member_child_status="separated"),
                 member("Yanira", "child", 5, "female")]})
case("unaccompanied-child", {"given_name": "Brayan", "family_name": "Mejía", "sex": "male",
     "dob_known": False, "estimated_age": 16, "date_of_birth": None,
     "travelling_with_others": False, "lost_contact_family": True,
     "lost_contact_details": "Older brother, last seen in Tenosique in August.",
     "work_skills": None, "wants_work_permit": None, "caseworker_urgency": "urgent"}, lang="es")
case("gbv-support", {"gbv_disclosed": True, "gbv_wants_support": True, "fear_return": True,
     "fear_grounds": ["domestic_violence"]})
case("gbv-disclosed-no-support", {"gbv_disclosed": True, "gbv_wants_support": False})
case("trafficking-not-free", {"trafficking_not_free": True, "trafficking_documents": True,
     "caseworker_urgency": "urgent"}, lang="fr")
case("trafficking-debt-only", {"trafficking_debt": True})
case("trafficking-two-indicators", {"trafficking_debt": True, "trafficking_documents": True})
case("family-tracing", {"lost_contact_family": True,
     "lost_contact_details": "Husband, separated in the Darién in June."})
case("work-permit-asylum-pending", {"mexico_status": "asylum_pending", "wants_work_permit": True,
     "work_skills": ["hospitality"], "work_experience_years": 4})
case("work-permit-no-papers", {"mexico_status": "no_status", "wants_work_permit": True,
     "work_skills": ["hospitality"], "work_experience_years": 4})
case("all-partner-consents-refused", {"consent_share_legal": False, "consent_share_shelter": False,
     "consent_share_health": False, "consent_share_protection": False, "consent_share_us": False,
     "consent_share_mexico": False, "consent_share_canada": False, "consent_share_work": False,
     "need_shelter": True, "fear_return": True, "fear_grounds": ["gangs"], "medical_needs": True,
     "medical_details": "Asthma.", "lost_contact_family": True,
     "lost_contact_details": "Sister.", "cbp_one_appointment": True, "cbp_one_date": "2023-09-20"})
case("interview-refused", {"consent_interview": False}, drop=[k for k in BASE if k not in
     ("consent_version", "consent_interview", "caseworker_urgency")])
case("answer-errors", {"dob_known": False, "date_of_birth": None, "estimated_age": 130,
     "documents_held": ["no_document", "passport"], "date_left": "2023-10-01",
     "arrival_date": "2023-06-01", "follow_up_date": "2023-08-01"}, drop=["sex", "nationality"])
case("answer-warnings", {"dob_known": False, "date_of_birth": None, "estimated_age": 11,
     "documents_held": ["passport"], "passport_expiry": "2022-01-01",
     "date_left": "2023-08-01", "arrival_date": "2023-07-01",
     "cbp_one_appointment": True, "cbp_one_date": "2023-08-20",
     "work_skills": None, "wants_work_permit": None})
case("choice-filtered-out", {"other_nationality": "honduras", "current_country": "brazil",
     "route_countries": ["honduras", "guatemala"]})
# A large travelling group: 60 people (ODK Collect slows to ~10 s per
# action at this size), among them 2 unaccompanied and 3 separated children.
big = [member("Adulto %d" % i, "not_related", 20 + i % 40, "male" if i % 2 else "female")
       for i in range(50)]
for i in range(5):
    big.append(member("Niño %d" % i, "not_related" if i < 2 else "other_relative", 10 + i,
                      "male" if i % 2 else "female",
                      member_child_status="unaccompanied" if i < 2 else "separated"))
for i in range(5):
    big.append(member("Hijo %d" % i, "child", i, "female" if i % 2 else "male",
                      member_special_needs=["serious_illness"] if i == 0 else ["no_need"]))
case("large-group-60", {"travelling_with_others": True, "members": big, "need_shelter": True,
     "lost_contact_family": True, "lost_contact_details": "Cousin left behind in Tapanatepec.",
     "caseworker_urgency": "urgent"})
case("language-fallback-portuguese", {"given_name": "João", "family_name": "Silva", "sex": "male",
     "nationality": "brazil", "country_of_origin": "brazil", "languages_spoken": ["portuguese"],
     "intended_destination": "undecided", "need_shelter": True, "dob_known": False,
     "date_of_birth": None, "estimated_age": 121}, lang="pt", form="intake+pt")

# follow-up form
FBASE = {"followup_consent": True, "consent_share_services": True, "contact_mode": "phone_call",
         "given_name": "Ana", "phone": "+52 962 555 0101", "same_place": True,
         "referral_contacted": True, "referral_outcome": "waiting", "feels_safe": True,
         "new_needs": ["nothing"], "next_followup": "2023-10-01"}
case("followup-nothing-new", base=FBASE, form="followup")
case("followup-unsafe-moved", {"same_place": False, "current_place": "northern_mexico",
     "feels_safe": False, "new_needs": ["shelter", "medical", "legal"],
     "followup_notes": "Moved to Reynosa; threatened at the shelter."}, base=FBASE,
     form="followup", lang="es")
case("followup-consent-refused", {"consent_share_services": False,
     "new_needs": ["medical"]}, base=FBASE, form="followup", lang="ht")

# The service rules start on 2023-01-01: the day before, the same needs
# produce nothing; on the day, every one of them.
NEEDS = {"need_shelter": True, "medical_needs": True, "medical_urgent": False,
         "medical_details": "Infected foot.", "mental_distress": True, "lost_contact_family": True,
         "lost_contact_details": "Brother.", "intended_destination": "undecided",
         "date_left": "2022-11-01", "arrival_date": "2022-12-20", "follow_up_date": "2023-01-10"}
case("services-day-before-start", NEEDS, today="2022-12-31")
case("services-first-day", NEEDS, today="2023-01-01", lang="fr")

# The engine's own messages (required, choice filter) in the interview's
# language, next to the form's constraint messages.
case("answer-errors-spanish", {"dob_known": False, "date_of_birth": None, "estimated_age": 130,
     "other_nationality": "honduras", "date_left": "2023-10-01"}, drop=["sex"], lang="es")
case("answer-errors-creole", {"dob_known": False, "date_of_birth": None, "estimated_age": 130,
     "other_nationality": "honduras", "date_left": "2023-10-01"}, drop=["sex"], lang="ht")

# A consent question left unanswered blocks its referral like a "no" (and is
# a required-answer error), while the other partners' referrals go.
case("consent-unanswered", {"medical_needs": True, "medical_urgent": True,
     "medical_details": "Deep cut on the hand.", "need_shelter": True},
     drop=["consent_share_health"])

def main():
    for f in os.listdir(HERE):
        if f.endswith((".json", ".args")):
            os.remove(os.path.join(HERE, f))
    for i, (name, a, form, lang, today) in enumerate(CASES, 1):
        stem = os.path.join(HERE, "%02d-%s" % (i, name))
        a = {k: v for k, v in a.items() if v is not None}
        with open(stem + ".json", "w", encoding="utf-8") as fp:
            json.dump(a, fp, ensure_ascii=False, indent=2, sort_keys=True)
            fp.write("\n")
        with open(stem + ".args", "w") as fp:
            fp.write("%s %s %s\n" % (form, lang, today))
    print("%d cases" % len(CASES))

if __name__ == "__main__":
    main()
