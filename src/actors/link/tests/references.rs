//! Tests of passes 4 and 5: descriptions, pronouns, offices and groups, and affiliations.

use super::*;

#[test]
fn forms_of_address_are_not_pronouns() {
    let t = "Ms. Ana Lopez of Chile spoke. His Excellency the Ambassador of Peru thanked her.";
    let l = link(t, &[("Ana Lopez", "PER"), ("Chile", "LOC"), ("Peru", "LOC")]);
    assert_eq!(mentions(t, &l, "ana-lopez"), ["Ana Lopez", "her"]);
}

#[test]
fn a_description_names_the_person_in_apposition_and_heads_of_state_are_nobody() {
    let t = "Ms. Ana Lopez spoke first. Then the Pakistani envoy, Aamir Khan, said the head of state \
             would come.";
    let l = link(t, &[("Ana Lopez", "PER"), ("Pakistani", "MISC"), ("Aamir Khan", "PER")]);
    assert_eq!(mentions(t, &l, "aamir-khan"), ["the Pakistani envoy", "Aamir Khan"]);
    assert_eq!(actor(&l, "aamir-khan").affiliation.as_deref(), Some("PAK"));
    assert_eq!(mentions(t, &l, "ana-lopez"), ["Ana Lopez"]);
    // modifiers stop at a preposition: "the talks with the envoy" is not "the ... envoy"
    let t = "Aamir Khan spoke. The outcome of envoy talks was unclear.";
    let l = link(t, &[("Aamir Khan", "PER")]);
    assert_eq!(mentions(t, &l, "aamir-khan"), ["Aamir Khan"]);
}

#[test]
fn descriptions_refer_back() {
    let t = "Indonesia spoke first. Further, the country proposed a fund. Aamir Khan of Pakistan \
             spoke. Later the Pakistani envoy said more, and the UN official agreed.";
    let l = link(
        t,
        &[
            ("Indonesia", "LOC"),
            ("Aamir Khan", "PER"),
            ("Pakistan", "LOC"),
            ("Pakistani", "MISC"),
            ("UN", "ORG"),
        ],
    );
    assert_eq!(mentions(t, &l, "IDN"), ["Indonesia", "the country"]);
    assert_eq!(
        mentions(t, &l, "aamir-khan"),
        ["Aamir Khan", "the Pakistani envoy", "the UN official"]
    );
    // a role noun that modifies another noun is no description
    let t = "Aamir Khan spoke. The chief concern was cost.";
    let l = link(t, &[("Aamir Khan", "PER")]);
    assert_eq!(mentions(t, &l, "aamir-khan"), ["Aamir Khan"]);
}

#[test]
fn offices_and_groups() {
    let t = "Nakamitsu recalled the Secretary-General’s call. The panellists agreed; they said so.";
    let l = link(t, &[("Nakamitsu", "PER")]);
    assert_eq!(mentions(t, &l, "un-secretary-general"), ["the Secretary-General"]);
    assert_eq!(mentions(t, &l, "panellists"), ["The panellists", "they"]);
    assert_eq!(actor(&l, "panellists").kind, Kind::Group);
}

#[test]
fn pronouns_follow_the_last_person_and_we_the_speakers_state() {
    let t = "Izumi Nakamitsu spoke. Moreover, she continued. “We call upon all states,” said Ambassador \
             Aamir Khan, deputy permanent representative of Pakistan to the UN. In his remarks, he added more.";
    let l = link(
        t,
        &[
            ("Izumi Nakamitsu", "PER"),
            ("Aamir Khan", "PER"),
            ("Pakistan", "LOC"),
            ("UN", "ORG"),
        ],
    );
    assert_eq!(mentions(t, &l, "izumi-nakamitsu"), ["Izumi Nakamitsu", "she"]);
    assert_eq!(mentions(t, &l, "aamir-khan"), ["Aamir Khan", "his", "he"]);
    assert_eq!(actor(&l, "aamir-khan").affiliation.as_deref(), Some("PAK"));
    // "We" comes before the speaker is named: no state to give it to
    assert_eq!(mentions(t, &l, "PAK"), ["Pakistan"]);
    let t = "Aamir Khan of Pakistan said: “We call upon all states.”";
    let l = link(t, &[("Aamir Khan", "PER"), ("Pakistan", "LOC")]);
    assert_eq!(mentions(t, &l, "PAK"), ["Pakistan", "We"]);
}

#[test]
fn affiliation_from_a_preceding_modifier() {
    let t = "Pakistan’s ambassador Aamir Khan spoke, as did a former Venezuelan UN ambassador, Diego Arria.";
    let l = link(
        t,
        &[
            ("Pakistan", "LOC"),
            ("Aamir Khan", "PER"),
            ("Venezuelan", "MISC"),
            ("UN", "ORG"),
            ("Diego Arria", "PER"),
        ],
    );
    assert_eq!(actor(&l, "aamir-khan").affiliation.as_deref(), Some("PAK"));
    assert_eq!(actor(&l, "diego-arria").affiliation.as_deref(), Some("VEN"));
}

#[test]
fn definite_nouns_refer_to_the_body_they_head() {
    let t = "The Ad Hoc Committee on Cybercrime met, and the committee's chair spoke. Microsoft \
             agreed; the company’s lawyers did not. The EU said the bloc would act. The \
             disarmament chief spoke.";
    let l = link(
        t,
        &[
            ("Ad Hoc Committee on Cybercrime", "ORG"),
            ("Microsoft", "ORG"),
            ("EU", "ORG"),
        ],
    );
    assert_eq!(
        mentions(t, &l, "ahc-cybercrime"),
        ["Ad Hoc Committee on Cybercrime", "the committee"]
    );
    assert_eq!(mentions(t, &l, "microsoft"), ["Microsoft", "the company"]);
    assert_eq!(mentions(t, &l, "eu"), ["EU", "the bloc"]);
    // "disarmament" modifies "chief": no mention of a disarmament body
    assert!(l.actors.iter().all(|a| a.mentions.len() <= 2));
}
