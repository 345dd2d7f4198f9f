//! Quotation marks: whether a position lies inside a quotation.

/// Whether byte `pos` lies inside a quotation opened earlier in its paragraph (line), looking
/// back at most `reach` bytes: the last curly mark before it opens one, or an odd number of
/// straight quotes stands before it.
pub fn in_quote(text: &str, pos: usize, reach: usize) -> bool {
    let from = super::char_floor(text, pos.saturating_sub(reach));
    let para = text[from..pos].rfind('\n').map_or(from, |i| from + i + 1);
    let before = &text[para..pos];
    let straight = before.matches('"').count() % 2 == 1;
    match before.rfind(['“', '”']) {
        Some(i) => before[i..].starts_with('“') || straight,
        None => straight,
    }
}

/// Whether a stretch of text leaves a quotation open (more opening than closing marks, or an odd
/// number of straight quotes that starts it) and whether it closes one opened before it.
pub fn balance(s: &str) -> (bool, bool) {
    let open = s.matches('“').count();
    let close = s.matches('”').count();
    let straight = s.matches('"').count() % 2 == 1;
    let starts = s.trim_start().starts_with('"');
    (
        open > close || (straight && starts),
        close > open || (straight && !starts),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotations_open_and_close_within_a_paragraph() {
        let text = "He said “we agree” and “then\nNot quoted \"here";
        assert!(!in_quote(text, text.find("and").unwrap(), 1000));
        assert!(in_quote(text, text.find("then").unwrap(), 1000));
        assert!(!in_quote(text, text.find("Not").unwrap(), 1000));
        assert!(in_quote(text, text.find("here").unwrap(), 1000));
        assert_eq!(balance("“We agree,” she said."), (false, false));
        assert_eq!(balance("“We agree, and"), (true, false));
        assert_eq!(balance("and so on.” She left."), (false, true));
    }
}
