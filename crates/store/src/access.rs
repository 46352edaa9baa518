//! Who reads and who writes: roles and what each may do, the [`Viewer`] every read
//! takes, the [`Actor`] every write takes (and records in the audit log), and the
//! records of accounts, groups, sessions, comments, consultations and the audit log.
//!
//! Restricted documents are filtered by the store itself: every read method of
//! [`crate::Store`] takes a `Viewer` and returns only what that viewer may see, so no
//! page or API route can forget the rule.

use serde::Serialize;
use utoipa::ToSchema;

/// A role of the assembly's platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages everything; serves every group, so sees every document.
    Secretariat,
    /// A delegate of a Member State.
    MemberState,
    /// A delegate of a Sector Member.
    SectorMember,
    /// Reads public documents; anonymous visitors are observers too.
    Observer,
}

/// Something a role may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Import a document (upload).
    Upload,
    /// Comment on a document one can see.
    Comment,
    /// Answer an open consultation one can see.
    Submit,
    /// Open a consultation.
    OpenConsultation,
    /// Create users, change group membership, read the audit log.
    Manage,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Secretariat,
        Role::MemberState,
        Role::SectorMember,
        Role::Observer,
    ];

    /// The stored name: `secretariat`, `member_state`, `sector_member`, `observer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Secretariat => "secretariat",
            Role::MemberState => "member_state",
            Role::SectorMember => "sector_member",
            Role::Observer => "observer",
        }
    }

    /// The name for people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Secretariat => "Secretariat",
            Role::MemberState => "Member State delegate",
            Role::SectorMember => "Sector Member delegate",
            Role::Observer => "Observer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The permission table. Observers (registered) may answer consultations, which
    /// take input from every stakeholder; they do not draft or comment.
    pub fn may(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Secretariat => true,
            Role::MemberState | Role::SectorMember => {
                matches!(permission, Upload | Comment | Submit)
            }
            Role::Observer => matches!(permission, Submit),
        }
    }
}

/// Who is reading. Every read of the store takes one and returns only what it may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Viewer {
    /// Not signed in: public documents only.
    Anonymous,
    /// A signed-in user (the id the store gave); the store looks up their groups.
    User(i64),
    /// The local operator (command line, demo loading): sees everything. Never built
    /// from a request.
    System,
}

impl Viewer {
    /// The key backends bind into the visibility rule: the user id, 0 for the
    /// system, -1 for anonymous (no user has an id below 1).
    pub fn key(self) -> i64 {
        match self {
            Viewer::Anonymous => -1,
            Viewer::User(id) if id > 0 => id,
            Viewer::User(_) => -1,
            Viewer::System => 0,
        }
    }
}

/// Who is writing, from where and when: recorded in the audit log with every write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The system (command line, demo loading), an anonymous visitor (a failed login)
    /// or a signed-in user.
    pub who: Viewer,
    /// The name recorded in the audit log.
    pub username: String,
    /// The client address, when the write came over the network.
    pub address: Option<String>,
    /// When (Unix seconds).
    pub at: i64,
}

impl Actor {
    /// The local operator, named for the audit log (`amend import`, `demo`...).
    pub fn system(name: &str) -> Actor {
        Actor {
            who: Viewer::System,
            username: format!("system: {name}"),
            address: None,
            at: now(),
        }
    }

    /// A visitor who is not signed in (recorded for failed logins).
    pub fn anonymous(address: Option<String>, at: i64) -> Actor {
        Actor {
            who: Viewer::Anonymous,
            username: "anonymous".into(),
            address,
            at,
        }
    }

    /// A signed-in user.
    pub fn user(user: &User, address: Option<String>, at: i64) -> Actor {
        Actor {
            who: Viewer::User(user.id),
            username: user.username.clone(),
            address,
            at,
        }
    }

    /// The user's id, when a user acts.
    pub fn user_id(&self) -> Option<i64> {
        match self.who {
            Viewer::User(id) => Some(id),
            _ => None,
        }
    }

    /// What this actor may read.
    pub fn viewer(&self) -> Viewer {
        self.who
    }
}

impl Default for Actor {
    fn default() -> Self {
        Actor::system("import")
    }
}

/// The current time in Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A user account (without its password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: i64,
}

/// A user with the password hash, for signing in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: User,
    /// argon2id PHC string.
    pub password_hash: String,
}

/// A user to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
}

/// A group and its membership rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Group {
    pub id: i64,
    /// `cwg-internet`, `wg-wsis`.
    pub slug: String,
    pub name: String,
    /// The roles that may be members.
    pub eligible_roles: Vec<Role>,
}

impl Group {
    pub fn admits(&self, role: Role) -> bool {
        self.eligible_roles.contains(&role)
    }
}

/// A session to store: the SHA-256 (hex) of the cookie's token, never the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub token_hash: String,
    pub user_id: i64,
    /// The per-session token that forms and API writes must echo.
    pub csrf_token: String,
    pub expires_at: i64,
}

/// A live session and its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
    pub expires_at: i64,
}

/// Failed logins counted over a window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoginFailures {
    pub for_username: i64,
    pub from_address: i64,
}

/// A comment to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComment {
    pub document_id: i64,
    /// The item's eId; empty for the document as a whole.
    pub item: String,
    /// The comment this one answers (on the same document).
    pub parent_id: Option<i64>,
    pub body: String,
}

/// A comment, with its author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Comment {
    pub id: i64,
    pub document_id: i64,
    pub item: String,
    pub parent_id: Option<i64>,
    pub author: String,
    pub author_role: Role,
    pub body: String,
    pub created_at: i64,
}

/// A consultation to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsultation {
    pub title: String,
    pub question: String,
    /// Unix seconds; submissions close and are published then.
    pub deadline: i64,
    /// The group it is restricted to, if any.
    pub restricted_to: Option<i64>,
}

/// An open consultation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Consultation {
    pub id: i64,
    pub title: String,
    pub question: String,
    pub deadline: i64,
    pub restricted_to: Option<i64>,
    /// The name of the group it is restricted to.
    pub group: Option<String>,
    pub created_at: i64,
    /// Submissions so far (a count; their text is published after the deadline).
    pub submissions: i64,
}

/// An answer to a consultation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Submission {
    pub id: i64,
    pub consultation_id: i64,
    pub author: String,
    pub author_role: Role,
    pub body: String,
    pub created_at: i64,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub user_id: Option<i64>,
    pub username: String,
    pub address: Option<String>,
    /// `login`, `logout`, `login.failed`, `import`, `comment`, `consultation.open`,
    /// `consultation.submit`, `user.create`, `user.password`, `group.add`,
    /// `group.remove`.
    pub action: String,
    /// What it acted on: `document:7`, `user:3`, `group:cwg-internet`...
    pub target: String,
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_permissions() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert!(Role::Secretariat.may(Permission::Manage));
        assert!(Role::MemberState.may(Permission::Comment));
        assert!(!Role::MemberState.may(Permission::OpenConsultation));
        assert!(!Role::Observer.may(Permission::Comment));
        assert!(Role::Observer.may(Permission::Submit));
        assert_eq!(Viewer::User(0).key(), -1);
        assert_eq!(Viewer::System.key(), 0);
    }
}
