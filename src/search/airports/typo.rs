//! Typo clauses: words within a Levenshtein distance of the query word *that start with the same
//! letter*, optionally as a prefix of the indexed word (the word being typed).
//!
//! Why not tantivy's `FuzzyTermQuery`: its automaton lets the first letter be wrong too, so
//! streaming the term dictionary through it visits nearly every branch of the dictionary's
//! first levels; it was the slowest path of `suggest()` (≈ 0.3 ms median for typo queries,
//! 90 % of it in the dictionary stream, see docs/PERFORMANCE.md). Typos on the first letter
//! are rare (people see the start of what they type), and anchoring it prunes every
//! branch under another first letter, about 20 times fewer dictionary states to visit.

use std::sync::{Arc, OnceLock};

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use tantivy::query::{AutomatonWeight, EnableScoring, Query, Weight};
use tantivy::schema::Field;
use tantivy_fst::Automaton;

/// State before the first byte (DFA state ids are small, `0` is the sink).
const START: u32 = u32::MAX;

/// A Levenshtein DFA behind a fixed first byte.
pub(super) struct AnchoredDfa {
    first: u8,
    dfa: DFA,
}

impl std::fmt::Debug for AnchoredDfa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnchoredDfa")
            .field("first", &char::from(self.first))
            .field("states", &self.dfa.num_states())
            .finish()
    }
}

impl Automaton for AnchoredDfa {
    type State = u32;

    fn start(&self) -> u32 {
        START
    }

    fn is_match(&self, state: &u32) -> bool {
        *state != START && matches!(self.dfa.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        match *state {
            START if byte == self.first => self.dfa.transition(self.dfa.initial_state(), byte),
            START => SINK_STATE,
            s => self.dfa.transition(s, byte),
        }
    }
}

/// Words of `field` within `distance` (a transposition counts 1) of `word`, or having a
/// prefix within it when `prefix`, and starting with the same byte as `word`.
#[derive(Clone, Debug)]
pub(super) struct TypoQuery {
    field: Field,
    automaton: Arc<AnchoredDfa>,
}

impl TypoQuery {
    /// `None` for an empty word or a distance above 2.
    pub(super) fn new(field: Field, word: &str, distance: u8, prefix: bool) -> Option<TypoQuery> {
        static BUILDERS: [OnceLock<LevenshteinAutomatonBuilder>; 3] =
            [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        let first = *word.as_bytes().first()?;
        let builder = BUILDERS
            .get(usize::from(distance))?
            .get_or_init(|| LevenshteinAutomatonBuilder::new(distance, true));
        let dfa = if prefix {
            builder.build_prefix_dfa(word)
        } else {
            builder.build_dfa(word)
        };
        Some(TypoQuery {
            field,
            automaton: Arc::new(AnchoredDfa { first, dfa }),
        })
    }
}

impl Query for TypoQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AutomatonWeight::<AnchoredDfa>::new(
            self.field,
            Arc::clone(&self.automaton),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(a: &AnchoredDfa, text: &str) -> bool {
        let mut state = a.start();
        for b in text.bytes() {
            state = a.accept(&state, b);
            if !a.can_match(&state) {
                return false;
            }
        }
        a.is_match(&state)
    }

    #[test]
    fn first_letter_is_anchored() {
        let field = Field::from_field_id(0);
        let q = TypoQuery::new(field, "barcelna", 2, false).unwrap();
        assert!(matches(&q.automaton, "barcelona"));
        assert!(matches(&q.automaton, "barcelna"));
        assert!(!matches(&q.automaton, "parcelna"), "first letter differs");
        assert!(!matches(&q.automaton, "bxrcxlxx"));
        let p = TypoQuery::new(field, "lisbno", 1, true).unwrap();
        assert!(matches(&p.automaton, "lisbonne"));
        assert!(!matches(&p.automaton, "kisbon"));
        assert!(TypoQuery::new(field, "", 1, false).is_none());
        assert!(TypoQuery::new(field, "abc", 3, false).is_none());
    }
}
