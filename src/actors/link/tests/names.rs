//! Tests of passes 1 to 3: spans, states and capitals, acronyms, people, short forms, and names the
//! model missed.

use super::*;

#[test]
fn states_by_name_variant_and_nationality() {
    let t = "Pakistan and the US backed it; the Pakistani envoy and Estonian-led talks followed.";
    let l = link(
        t,
        &[
            ("Pakistan", "LOC"),
            ("the US", "LOC"),
            ("Pakistani", "MISC"),
            ("Estonian-led", "MISC"),
        ],
    );
    assert_eq!(
        owned(entities(t, &l)),
        [
            e("Pakistan", "GPE", Some("PAK")),
            e("US", "GPE", Some("USA")),
            e("Pakistani", "NORP", Some("PAK")),
            e("Estonian", "NORP", Some("EST")),
        ]
    );
    assert_eq!(actor(&l, "USA").code.as_deref(), Some("USA"));
    assert_eq!(actor(&l, "USA").kind, Kind::State);
}

#[test]
fn a_capital_speaks_for_its_state_only_when_it_acts() {
    let t = "Islamabad said the talks would resume. The talks were held in Islamabad.";
    let l = link(t, &[("Islamabad", "LOC"), ("Islamabad", "LOC")]);
    assert_eq!(
        owned(entities(t, &l)),
        [e("Islamabad", "GPE", Some("PAK")), e("Islamabad", "GPE", None)]
    );
}

#[test]
fn people_and_us_states_named_like_countries_are_not_countries() {
    let t = "Jordan Peterson met George Washington. Michael Jordan said so in the US state of Georgia.";
    let l = link(
        t,
        &[
            ("Jordan Peterson", "PER"),
            ("George Washington", "PER"),
            ("Michael Jordan", "PER"),
            ("US", "LOC"),
            ("Georgia", "LOC"),
        ],
    );
    let got = owned(entities(t, &l));
    assert_eq!(got[1], e("George Washington", "PER", Some("george-washington")));
    assert_eq!(got[2], e("Michael Jordan", "PER", Some("michael-jordan")));
    assert_eq!(got[4], e("Georgia", "GPE", None));
    assert!(
        l.actors.iter().all(|a| a.id != "JOR" && a.id != "GEO"),
        "{:?}",
        l.actors
    );
}

#[test]
fn acronyms_defined_in_brackets_or_spelling_initials() {
    let t = "The Cyber Peace Institute (CPI) warned. CPI added that the Digital Trust Alliance and DTA agree.";
    let l = link(
        t,
        &[
            ("Cyber Peace Institute", "ORG"),
            ("CPI", "ORG"),
            ("CPI", "ORG"),
            ("Digital Trust Alliance", "ORG"),
            ("DTA", "ORG"),
        ],
    );
    assert_eq!(
        mentions(t, &l, "cyber-peace-institute"),
        ["Cyber Peace Institute", "CPI", "CPI"]
    );
    assert_eq!(
        mentions(t, &l, "digital-trust-alliance"),
        ["Digital Trust Alliance", "DTA"]
    );
    assert_eq!(actor(&l, "cyber-peace-institute").kind, Kind::Org);
    // A gazetteer body: the acronym and the full name are one actor, with the gazetteer's id.
    let t = "The Open-Ended Working Group (OEWG) met; the OEWG agreed.";
    let l = link(
        t,
        &[("Open-Ended Working Group", "ORG"), ("OEWG", "ORG"), ("OEWG", "ORG")],
    );
    assert_eq!(mentions(t, &l, "oewg"), ["Open-Ended Working Group", "OEWG", "OEWG"]);
}

#[test]
fn surname_after_full_name_and_titles_left_out() {
    let t = "Ms. Kerstin Vignard opened. Vignard said Khan and Aamir Khan agreed; Mr. Khan left.";
    let l = link(
        t,
        &[
            ("Ms. Kerstin Vignard", "PER"),
            ("Vignard", "PER"),
            ("Khan", "PER"),
            ("Aamir Khan", "PER"),
            ("Mr. Khan", "PER"),
        ],
    );
    assert_eq!(mentions(t, &l, "kerstin-vignard"), ["Kerstin Vignard", "Vignard"]);
    // the surname first, the full name later: one person, named by the full name
    assert_eq!(mentions(t, &l, "aamir-khan"), ["Khan", "Aamir Khan", "Khan"]);
    // a title alone is no entity
    let l = link("Ambassador said no.", &[("Ambassador", "PER")]);
    assert!(l.entities.is_empty() && l.actors.is_empty());
}

#[test]
fn the_state_of_palestine_is_a_state_and_georgia_the_state_is_not() {
    let t = "The State of Palestine and Georgia spoke; the state of Georgia did not.";
    let l = link(
        t,
        &[("State of Palestine", "LOC"), ("Georgia", "LOC"), ("Georgia", "LOC")],
    );
    let got = owned(entities(t, &l));
    assert_eq!(got[0], e("State of Palestine", "GPE", Some("PSE")));
    assert_eq!(got[1], e("Georgia", "GPE", Some("GEO")));
    assert_eq!(got[2], e("Georgia", "GPE", None));
}

#[test]
fn an_acronym_the_article_defines_beats_the_gazetteer() {
    let t = "Official Development Assistance (ODA) rose. ODA will grow; so will Official Aid (OA).";
    let l = link(
        t,
        &[
            ("Official Development Assistance", "ORG"),
            ("ODA", "ORG"),
            ("Official Aid", "MISC"),
        ],
    );
    let got = owned(entities(t, &l));
    assert_eq!(got[1], e("ODA", "ORG", Some("official-development-assistance")));
    assert_eq!(got[2], e("ODA", "ORG", Some("official-development-assistance")));
    assert!(l.actors.iter().all(|a| a.id != "unoda"), "{:?}", l.actors);
    // an acronym of a MISC name is no actor either
    let t = "The Cyber Index (CI) and the CI were cited.";
    let l = link(t, &[("Cyber Index", "MISC"), ("CI", "ORG")]);
    assert_eq!(owned(entities(t, &l))[1], e("CI", "MISC", None));
}

#[test]
fn short_forms_inside_other_names_are_not_the_body() {
    let t = "The UN General Assembly met. The National Assembly and the Assembly on Youth Rights did not; \
             the Assembly did.";
    let l = link(t, &[("UN General Assembly", "ORG")]);
    assert_eq!(mentions(t, &l, "unga"), ["UN General Assembly", "Assembly"]);
    let last = t.rfind("Assembly").unwrap();
    assert_eq!(l.actors[0].mentions[1].0, last);
}

#[test]
fn multibyte_text_just_before_a_state_name_is_no_problem() {
    // 40 bytes back from "Pakistan" falls inside the dash
    let t = format!("—{} Pakistan said so.", "x".repeat(37));
    let l = link(&t, &[("Pakistan", "LOC")]);
    assert_eq!(owned(entities(&t, &l))[0], e("Pakistan", "GPE", Some("PAK")));
}

#[test]
fn short_form_after_the_body_only() {
    let t = "The Council met. The UN Security Council then met; the Council agreed.";
    let l = link(t, &[("UN Security Council", "ORG")]);
    // the first "Council" comes before the body: not a mention
    assert_eq!(mentions(t, &l, "unsc"), ["UN Security Council", "Council"]);
    let labels: Vec<_> = owned(entities(t, &l));
    assert_eq!(labels[1], e("Council", "ORG", Some("unsc")));
    assert!(l.entities[1].from_gazetteer);
}

#[test]
fn names_the_model_missed_come_from_the_gazetteer() {
    let t = "Brazil and France underlined the role of the OEWG.";
    let l = link(t, &[("France", "LOC")]);
    let got = owned(entities(t, &l));
    assert_eq!(
        got,
        [
            e("Brazil", "GPE", Some("BRA")),
            e("France", "GPE", Some("FRA")),
            e("OEWG", "ORG", Some("oewg"))
        ]
    );
    assert!(l.entities[0].from_gazetteer && !l.entities[1].from_gazetteer);
    // lower-case common words are not names: "chad" is no state
    let l = link("They will chad it.", &[]);
    assert!(l.entities.is_empty());
}

#[test]
fn datelines_generic_terms_and_regions() {
    let t = "UNITED NATIONS (APP): ICTs matter in Africa and in Geneva.";
    let l = link(
        t,
        &[
            ("UNITED NATIONS", "LOC"),
            ("APP", "ORG"),
            ("ICTs", "ORG"),
            ("Africa", "LOC"),
            ("Geneva", "LOC"),
        ],
    );
    assert_eq!(
        owned(entities(t, &l)),
        [
            e("UNITED NATIONS", "LOC", None),
            e("APP", "ORG", Some("app")),
            e("Africa", "LOC", None),
            e("Geneva", "GPE", None),
        ]
    );
}

#[test]
fn capitals_act_with_modals_and_in_coordination() {
    let t = "Canberra could back it. Talks between Washington and Moscow stalled. Paris is lovely. \
             Paris has many parks, and Tehran has largely signalled assent.";
    let spans = [
        ("Canberra", "LOC"),
        ("Washington", "LOC"),
        ("Moscow", "LOC"),
        ("Paris", "LOC"),
        ("Paris", "LOC"),
        ("Tehran", "LOC"),
    ];
    let l = link(t, &spans);
    let got = owned(entities(t, &l));
    assert_eq!(got.len(), 6, "{got:?}");
    assert_eq!(got[0], e("Canberra", "GPE", Some("AUS")));
    assert_eq!(got[1], e("Washington", "GPE", Some("USA")));
    assert_eq!(got[2], e("Moscow", "GPE", Some("RUS")));
    assert_eq!(got[3], e("Paris", "GPE", None));
    assert_eq!(got[4], e("Paris", "GPE", None));
    assert_eq!(got[5], e("Tehran", "GPE", Some("IRN")));
}

#[test]
fn dateline_with_a_date_and_title_only_spans() {
    let t = "NEW YORK, Feb 6 (AFP) - The Permanent Representative spoke.";
    let l = link(
        t,
        &[("NEW YORK", "LOC"), ("AFP", "ORG"), ("Permanent Representative", "ORG")],
    );
    assert_eq!(
        owned(entities(t, &l)),
        [e("NEW YORK", "LOC", None), e("AFP", "ORG", Some("afp"))]
    );
}
