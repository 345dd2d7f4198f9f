//! Tests of lists of speakers, plural anaphors, conveners, roles of states, and
//! mentions that stay no speaker (hand-written sentences).

use super::*;

#[test]
fn every_member_of_an_introduced_list_speaks() {
    let t = "Several delegations, including Ghana, Peru and Fiji, expressed concern about ransomware. \
             States including Chad and Mali said capacity matters. \
             A number of countries, such as Norway and Chile, stressed the role of norms.";
    let got = attribute(t, &[]);
    assert_eq!(
        speakers(&got),
        [vec!["GHA", "PER", "FJI"], vec!["TCD", "MLI"], vec!["NOR", "CHL"]],
        "{got:?}"
    );
}

#[test]
fn a_long_list_of_subjects_speaks_whole() {
    let t = "Argentina, Austria, Brazil, Canada, Chile, Estonia, France, Germany, Japan, Kenya, Peru, \
             the European Union and its member states, Albania, the country of the association process, \
             Georgia, and others supported the existing framework of norms.";
    let got = attribute(t, &[("European Union", "ORG")]);
    assert_eq!(got.len(), 1, "{got:?}");
    for id in ["ARG", "AUT", "BRA", "KEN", "PER", "GEO", "ALB"] {
        assert!(got[0].1.iter().any(|x| x == id), "{id} missing: {got:?}");
    }
}

#[test]
fn a_plural_anaphor_takes_the_speakers_before() {
    let t = "Ghana and Peru backed a treaty.\n\nThese delegations voiced concern about capacity. \
             In addition, these states reiterated the need for norms. They also urged restraint.";
    let got = attribute(t, &[]);
    assert_eq!(
        speakers(&got),
        [
            vec!["GHA", "PER"],
            vec!["GHA", "PER"],
            vec!["GHA", "PER"],
            vec!["GHA", "PER"]
        ],
        "{got:?}"
    );
}

#[test]
fn a_convening_state_speaks_for_its_meeting_and_concept_note() {
    let t = "The meeting, convened by Kenya, focused on threats to hospitals.\n\n\
             Kenya's concept note stresses the need for capacity building.\n\n\
             The concept note also calls for norms to be implemented.";
    let got = attribute(t, &[]);
    assert_eq!(speakers(&got), [vec!["KEN"], vec!["KEN"], vec!["KEN"]], "{got:?}");
    let t = "Malta, which holds the Council presidency, convened an open debate on cyber threats. \
             The concept paper prepared by Peru urges restraint.";
    let got = attribute(t, &[]);
    assert_eq!(speakers(&got), [vec!["MLT"], vec!["PER"]], "{got:?}");
}

#[test]
fn named_people_with_a_role_of_a_state_speak_for_it() {
    let t = "Lena Moreau, the foreign minister of Belgium, said norms matter.\n\n\
             Belgium's ambassador, Lena Moreau, said capacity matters.\n\n\
             Canada's chief negotiator, Paul Harris, stressed human rights.";
    let got = attribute(
        t,
        &[("Lena Moreau", "PER"), ("Lena Moreau", "PER"), ("Paul Harris", "PER")],
    );
    assert_eq!(speakers(&got), [vec!["BEL"], vec!["BEL"], vec!["CAN"]], "{got:?}");
}

#[test]
fn objects_of_prepositions_and_victims_get_no_statement() {
    let t = "Attacks on Estonia continued for weeks. Sanctions against Russia were extended. \
             Talks with China resumed. A report on Kenya was published. Hackers attacked Latvia and Peru.";
    assert!(attribute(t, &[]).is_empty());
    // a list after a preposition is no subject list either
    let t = "Attacks on several states, including Estonia and Latvia, said the report.";
    let got = attribute(t, &[]);
    assert!(
        got.iter().all(|(_, s)| s.iter().all(|x| x != "EST" && x != "LVA")),
        "{got:?}"
    );
}
