//! SCIM filters (RFC 7644 §3.4.2.2), read into the provisioning service's conditions: `eq`,
//! `ne`, `co`, `sw`, `ew`, `pr`, `and`, `or`, `not (…)`, parentheses, and the value paths
//! identity providers send (`emails[type eq "work"].value eq "…"`, Entra ID's first question of
//! Users; `members[value eq "7"]` of Groups). Attribute names and operators are read case aside;
//! `userName`, emails and names are compared case aside, `externalId` exactly (the RFC's
//! `caseExact`). Anything else is refused with a message saying what, for SCIM's `invalidFilter`.

use app::backend::provision::groups::GroupAttribute;
use app::backend::provision::users::Attribute;
use app::backend::provision::{Condition, Op};

/// What a resource's filters may name.
pub trait Vocabulary {
    type Attribute: Copy;
    /// Its schema's URN, lowered, which a client may put before an attribute's name.
    const URN: &'static str;
    /// Whether `active` is one of its attributes.
    const ACTIVE: bool;
    /// The attribute at a path (lowered, without the URN).
    fn attribute(path: &str) -> Result<Self::Attribute, String>;
    /// Whether a search may be sorted on this attribute, and those it may, said to a client.
    fn sorts_on(attribute: Self::Attribute) -> bool;
    const SORTED_ON: &'static str;
    /// `path[sub op value]` (`op` `None` for `pr`): a test on one value of a multi-valued attribute.
    fn within(path: &str, sub: &str, op: Option<Op>, value: Option<&Value>) -> Result<Condition<Self::Attribute>, String>;
}

/// Users' filters (R92).
pub struct Users;

impl Vocabulary for Users {
    type Attribute = Attribute;
    const URN: &'static str = "urn:ietf:params:scim:schemas:core:2.0:user:";
    const ACTIVE: bool = true;
    const SORTED_ON: &'static str = "id, meta.created, userName, externalId, emails, name.givenName and name.familyName";

    fn sorts_on(_: Attribute) -> bool {
        true
    }

    fn attribute(path: &str) -> Result<Attribute, String> {
        Ok(match path {
            "id" => Attribute::Id,
            "username" => Attribute::Login,
            "externalid" => Attribute::ExternalId,
            "emails" | "emails.value" => Attribute::Email,
            "name.givenname" => Attribute::GivenName,
            "name.familyname" => Attribute::FamilyName,
            _ => return Err(format!("Roster does not filter users on '{path}': it filters on id, userName, externalId, emails, name.givenName, name.familyName and active.")),
        })
    }

    /// The one address a user has, of type "work", primary.
    fn within(path: &str, sub: &str, op: Option<Op>, value: Option<&Value>) -> Result<Condition<Attribute>, String> {
        if path != "emails" {
            return Err(format!("Roster filters users on emails[…] only, not on {path}[…]."));
        }
        let has_email = Condition::Present(Attribute::Email);
        Ok(match (sub, op, value) {
            ("value", _, _) => comparison(Attribute::Email, op, value)?,
            ("type" | "primary", None, _) => has_email,
            ("type", Some(op), Some(Value::Text(kind))) => match (op, kind.eq_ignore_ascii_case("work")) {
                (Op::Eq, true) | (Op::Ne, false) => has_email,
                _ => Condition::Nobody,
            },
            ("primary", Some(op), Some(Value::Bool(primary))) => match (op, primary) {
                (Op::Eq, true) | (Op::Ne, false) => has_email,
                _ => Condition::Nobody,
            },
            ("type" | "primary", _, _) => Condition::Nobody,
            (other, _, _) => return Err(format!("Roster filters emails[…] on type, value or primary, not {other}.")),
        })
    }
}

/// Groups' filters (R94).
pub struct Groups;

impl Vocabulary for Groups {
    type Attribute = GroupAttribute;
    const URN: &'static str = "urn:ietf:params:scim:schemas:core:2.0:group:";
    const ACTIVE: bool = false;
    const SORTED_ON: &'static str = "id, meta.created and displayName";

    fn sorts_on(attribute: GroupAttribute) -> bool {
        attribute != GroupAttribute::Member
    }

    fn attribute(path: &str) -> Result<GroupAttribute, String> {
        Ok(match path {
            "id" => GroupAttribute::Id,
            "displayname" => GroupAttribute::DisplayName,
            "members" | "members.value" => GroupAttribute::Member,
            _ => return Err(format!("Roster does not filter groups on '{path}': it filters on id, displayName and members.")),
        })
    }

    fn within(path: &str, sub: &str, op: Option<Op>, value: Option<&Value>) -> Result<Condition<GroupAttribute>, String> {
        match (path, sub) {
            ("members", "value") => comparison(GroupAttribute::Member, op, value),
            _ => Err(format!("Roster filters groups on members[value …] only, not {path}[{sub} …].")),
        }
    }
}

/// What follows an attribute: `pr` (`op` `None`), or an operator and a value.
fn comparison<A>(attribute: A, op: Option<Op>, value: Option<&Value>) -> Result<Condition<A>, String> {
    let Some(op) = op else { return Ok(Condition::Present(attribute)) };
    match value {
        Some(Value::Text(text)) => Ok(Condition::Compare(attribute, op, text.clone())),
        // "eq null": has no value.
        Some(Value::Null) if op == Op::Eq => Ok(Condition::Not(Box::new(Condition::Present(attribute)))),
        Some(Value::Null) if op == Op::Ne => Ok(Condition::Present(attribute)),
        _ => Err("This attribute is compared with a quoted string.".into()),
    }
}

pub fn parse<V: Vocabulary>(text: &str) -> Result<Condition<V::Attribute>, String> {
    let tokens = tokens(text)?;
    let mut parser = Parser { tokens, at: 0, vocabulary: std::marker::PhantomData::<V> };

    let condition = parser.or()?;
    match parser.peek() {
        None => Ok(condition),
        Some(token) => Err(format!("Unexpected {token} in the filter.")),
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Word(String),
    Text(String),
    Open,
    Close,
    OpenBracket,
    CloseBracket,
}

impl std::fmt::Display for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Token::Word(w) => write!(f, "'{w}'"),
            Token::Text(t) => write!(f, "\"{t}\""),
            Token::Open => f.write_str("'('"),
            Token::Close => f.write_str("')'"),
            Token::OpenBracket => f.write_str("'['"),
            Token::CloseBracket => f.write_str("']'"),
        }
    }
}

fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | '[' | ']' => {
                chars.next();
                tokens.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    '[' => Token::OpenBracket,
                    _ => Token::CloseBracket,
                });
            }
            '"' => {
                // A JSON string: read it as JSON reads it, escapes and all.
                let mut raw = String::from('"');
                chars.next();
                let mut escaped = false;
                loop {
                    let Some(c) = chars.next() else { return Err("A quoted value in the filter is not closed.".into()) };
                    raw.push(c);
                    match (escaped, c) {
                        (false, '\\') => escaped = true,
                        (false, '"') => break,
                        _ => escaped = false,
                    }
                }
                tokens.push(Token::Text(serde_json::from_str(&raw).map_err(|_| format!("The filter's value {raw} is not a valid string."))?));
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || "()[]\"".contains(c) {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    Ok(tokens)
}

struct Parser<V> {
    tokens: Vec<Token>,
    at: usize,
    vocabulary: std::marker::PhantomData<V>,
}

/// A value to compare with.
pub enum Value {
    Text(String),
    Bool(bool),
    Null,
}

impl<V: Vocabulary> Parser<V> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Result<Token, String> {
        let token = self.tokens.get(self.at).cloned().ok_or("The filter ends too soon.")?;
        self.at += 1;
        Ok(token)
    }

    fn keyword(&mut self, word: &str) -> bool {
        let found = matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word));
        if found {
            self.at += 1;
        }
        found
    }

    fn expect(&mut self, wanted: Token) -> Result<(), String> {
        match self.next()? {
            token if token == wanted => Ok(()),
            token => Err(format!("Expected {wanted} in the filter, found {token}.")),
        }
    }

    fn or(&mut self) -> Result<Condition<V::Attribute>, String> {
        let mut condition = self.and()?;
        while self.keyword("or") {
            condition = Condition::Either(Box::new(condition), Box::new(self.and()?));
        }
        Ok(condition)
    }

    fn and(&mut self) -> Result<Condition<V::Attribute>, String> {
        let mut condition = self.unary()?;
        while self.keyword("and") {
            condition = Condition::Both(Box::new(condition), Box::new(self.unary()?));
        }
        Ok(condition)
    }

    fn unary(&mut self) -> Result<Condition<V::Attribute>, String> {
        if self.keyword("not") {
            self.expect(Token::Open)?;
            let inner = self.or()?;
            self.expect(Token::Close)?;
            return Ok(Condition::Not(Box::new(inner)));
        }
        if self.peek() == Some(&Token::Open) {
            self.at += 1;
            let inner = self.or()?;
            self.expect(Token::Close)?;
            return Ok(inner);
        }
        let Token::Word(path) = self.next()? else { return Err("Expected an attribute's name in the filter.".into()) };
        let path = path.to_ascii_lowercase();
        let path = path.strip_prefix(V::URN).unwrap_or(&path);
        if self.peek() == Some(&Token::OpenBracket) {
            self.at += 1;
            let within = self.within(path)?;
            self.expect(Token::CloseBracket)?;
            // `path[…].sub op "x"`: the sub-attribute, where the bracket holds.
            if let Some(Token::Word(sub)) = self.peek()
                && let Some(sub) = sub.strip_prefix('.')
            {
                let attribute = V::attribute(&format!("{path}.{}", sub.to_ascii_lowercase()))?;
                self.at += 1;
                let compared = self.comparison(attribute)?;
                return Ok(Condition::Both(Box::new(within), Box::new(compared)));
            }
            return Ok(within);
        }
        if V::ACTIVE && path == "active" {
            let op = self.op()?;
            return match (op, self.value()?) {
                (Some(Op::Eq), Value::Bool(b)) => Ok(Condition::Active(b)),
                (Some(Op::Ne), Value::Bool(b)) => Ok(Condition::Active(!b)),
                _ => Err("active is compared with eq or ne to true or false.".into()),
            };
        }
        let attribute = V::attribute(path)?;
        self.comparison(attribute)
    }

    /// An operator and its value, or `pr`, after an attribute.
    fn comparison(&mut self, attribute: V::Attribute) -> Result<Condition<V::Attribute>, String> {
        let op = self.op()?;
        let value = if op.is_some() { Some(self.value()?) } else { None };
        comparison(attribute, op, value.as_ref())
    }

    /// The filter inside `path[…]`, its tests joined by `and` and `or`.
    fn within(&mut self, path: &str) -> Result<Condition<V::Attribute>, String> {
        let mut condition = self.within_test(path)?;
        loop {
            if self.keyword("and") {
                condition = Condition::Both(Box::new(condition), Box::new(self.within_test(path)?));
            } else if self.keyword("or") {
                condition = Condition::Either(Box::new(condition), Box::new(self.within_test(path)?));
            } else {
                return Ok(condition);
            }
        }
    }

    fn within_test(&mut self, path: &str) -> Result<Condition<V::Attribute>, String> {
        let Token::Word(sub) = self.next()? else { return Err(format!("Expected a sub-attribute inside {path}[…].")) };
        let op = self.op()?;
        let value = if op.is_some() { Some(self.value()?) } else { None };
        V::within(path, &sub.to_ascii_lowercase(), op, value.as_ref())
    }

    /// The operator: `None` for `pr`.
    fn op(&mut self) -> Result<Option<Op>, String> {
        let Token::Word(op) = self.next()? else { return Err("Expected an operator (eq, ne, co, sw, ew, pr) in the filter.".into()) };
        Ok(Some(match op.to_ascii_lowercase().as_str() {
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            "co" => Op::Contains,
            "sw" => Op::StartsWith,
            "ew" => Op::EndsWith,
            "pr" => return Ok(None),
            "gt" | "ge" | "lt" | "le" => return Err(format!("Roster does not filter users with {op}; it offers eq, ne, co, sw, ew and pr.")),
            _ => return Err(format!("Unknown operator '{op}' in the filter.")),
        }))
    }

    fn value(&mut self) -> Result<Value, String> {
        match self.next()? {
            Token::Text(text) => Ok(Value::Text(text)),
            Token::Word(w) if w.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            Token::Word(w) if w.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            Token::Word(w) if w.eq_ignore_ascii_case("null") => Ok(Value::Null),
            // A number: ids are strings in SCIM, but a number is read as its digits.
            Token::Word(w) if !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()) => Ok(Value::Text(w)),
            token => Err(format!("Expected a value in the filter, found {token}.")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both<A>(a: Condition<A>, b: Condition<A>) -> Condition<A> {
        Condition::Both(Box::new(a), Box::new(b))
    }

    fn is<A>(attribute: A, op: Op, value: &str) -> Condition<A> {
        Condition::Compare(attribute, op, value.into())
    }

    #[test]
    fn r92_what_okta_and_entra_ask_first() {
        assert_eq!(parse::<Users>(r#"userName eq "ada@example.com""#), Ok(is(Attribute::Login, Op::Eq, "ada@example.com")));
        assert_eq!(parse::<Users>(r#"UserName EQ "Ada@Example.com""#), Ok(is(Attribute::Login, Op::Eq, "Ada@Example.com")));
        assert_eq!(parse::<Users>(r#"externalId eq "0a21f0f2-8d2a-4f8e-bf98-7a2c""#), Ok(is(Attribute::ExternalId, Op::Eq, "0a21f0f2-8d2a-4f8e-bf98-7a2c")));
        // Entra ID's matching by the work email.
        assert_eq!(
            parse::<Users>(r#"emails[type eq "work"].value eq "ada@example.com""#),
            Ok(both(Condition::Present(Attribute::Email), is(Attribute::Email, Op::Eq, "ada@example.com")))
        );
        assert_eq!(parse::<Users>(r#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x""#), Ok(is(Attribute::Login, Op::Eq, "x")));
    }

    #[test]
    fn r92_and_binds_tighter_than_or_and_parentheses_and_not_group() {
        let a = || is(Attribute::GivenName, Op::StartsWith, "a");
        let b = || is(Attribute::FamilyName, Op::Contains, "b");
        let c = || Condition::Active(true);
        assert_eq!(
            parse::<Users>(r#"name.givenName sw "a" or name.familyName co "b" and active eq true"#),
            Ok(Condition::Either(Box::new(a()), Box::new(both(b(), c()))))
        );
        assert_eq!(
            parse::<Users>(r#"(name.givenName sw "a" or name.familyName co "b") and active eq true"#),
            Ok(both(Condition::Either(Box::new(a()), Box::new(b())), c()))
        );
        assert_eq!(parse::<Users>(r#"not (active eq false)"#), Ok(Condition::Not(Box::new(Condition::Active(false)))));
        assert_eq!(parse::<Users>("externalId pr"), Ok(Condition::Present(Attribute::ExternalId)));
        assert_eq!(parse::<Users>("externalId eq null"), Ok(Condition::Not(Box::new(Condition::Present(Attribute::ExternalId)))));
        assert_eq!(parse::<Users>(r#"emails[type eq "home"]"#), Ok(Condition::Nobody));
        assert_eq!(parse::<Users>(r#"userName eq "a \"quoted\" name""#), Ok(is(Attribute::Login, Op::Eq, "a \"quoted\" name")));
    }

    #[test]
    fn r92_what_roster_cannot_answer_is_refused_with_the_reason() {
        for (filter, says) in [
            (r#"meta.lastModified gt "2026-01-01T00:00:00Z""#, "does not filter users on"),
            (r#"userName gt "a""#, "with gt"),
            (r#"userName eq"#, "ends too soon"),
            (r#"userName eq "a"#, "not closed"),
            (r#"userName eq "a" extra"#, "Unexpected"),
            (r#"active eq "yes""#, "true or false"),
            (r#"addresses[type eq "work"]"#, "emails[…] only"),
            (r#"emails[display eq "x"]"#, "type, value or primary"),
            (r#"(userName eq "a""#, "ends too soon"),
        ] {
            let refused = parse::<Users>(filter).expect_err(filter);
            assert!(refused.contains(says), "{filter}: {refused}");
        }
    }

    #[test]
    fn r94_groups_by_name_and_by_member() {
        assert_eq!(parse::<Groups>(r#"displayName eq "Sales EMEA""#), Ok(is(GroupAttribute::DisplayName, Op::Eq, "Sales EMEA")));
        assert_eq!(
            parse::<Groups>(r#"id eq "12" and members[value eq "7"]"#),
            Ok(both(is(GroupAttribute::Id, Op::Eq, "12"), is(GroupAttribute::Member, Op::Eq, "7")))
        );
        assert_eq!(parse::<Groups>(r#"members eq "7""#), Ok(is(GroupAttribute::Member, Op::Eq, "7")));
        assert!(parse::<Groups>("active eq true").unwrap_err().contains("id, displayName and members"));
    }
}
