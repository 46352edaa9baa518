//! The PostgreSQL backend of accounts, groups, sessions, login throttling, comments,
//! consultations and the audit log: the same rules as `sqlite_accounts.rs`, statement
//! for statement (placeholders `$N`, BOOLEAN flags, `ON CONFLICT DO NOTHING`). Every
//! write checks the actor's stored role and appends its audit row inside the same
//! transaction, and commits through `changes::commit`, so the store's copy of the change
//! counter covers the write before it returns.

use sqlx::postgres::{PgConnection, PgPool, PgRow};
use sqlx::{Postgres, Row, Transaction};

use super::changes::{Changes, commit};
use super::visible;
use crate::access::*;
use crate::{Result, StoreError};

type Tx = Transaction<'static, Postgres>;

async fn begin(pool: &PgPool) -> Result<Tx> {
    Ok(pool.begin().await?)
}

/// The actor's role, checked against `permission`; `None` for the system actor (who
/// may do anything). A user who is unknown or disabled may do nothing.
pub(crate) async fn require(
    conn: &mut PgConnection,
    actor: &Actor,
    permission: Permission,
) -> Result<Option<Role>> {
    let id = match actor.who {
        Viewer::System => return Ok(None),
        Viewer::Anonymous => return Err(StoreError::Forbidden("sign in first".into())),
        Viewer::User(id) => id,
    };
    let row = sqlx::query("SELECT role FROM users WHERE id = $1 AND NOT disabled")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let role = match row {
        Some(r) => parse_role(&r.try_get::<String, _>(0)?)?,
        None => return Err(StoreError::Forbidden("unknown or disabled user".into())),
    };
    if !role.may(permission) {
        return Err(StoreError::Forbidden(format!(
            "a {} may not {}",
            role.label(),
            match permission {
                Permission::Upload => "import documents",
                Permission::Comment => "comment",
                Permission::Submit => "answer consultations",
                Permission::OpenConsultation => "open consultations",
                Permission::Manage => "manage users and groups",
            }
        )));
    }
    Ok(Some(role))
}

/// Whether the viewer sees documents restricted to `group_id` (the `viewer_groups`
/// view; the system sees every group).
pub(crate) async fn sees_group(
    conn: &mut PgConnection,
    viewer: Viewer,
    group_id: i64,
) -> Result<bool> {
    if viewer == Viewer::System {
        return Ok(true);
    }
    let row = sqlx::query("SELECT 1 FROM viewer_groups WHERE user_id = $1 AND group_id = $2")
        .bind(viewer.key())
        .bind(group_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.is_some())
}

/// Appends one audit row.
pub(crate) async fn audit(
    conn: &mut PgConnection,
    actor: &Actor,
    action: &str,
    target: &str,
    detail: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, user_id, username, address, action, target, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(actor.at)
    .bind(actor.user_id())
    .bind(&actor.username)
    .bind(&actor.address)
    .bind(action)
    .bind(target)
    .bind(detail)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn parse_role(s: &str) -> Result<Role> {
    Role::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown role `{s}`")))
}

const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.disabled, u.created_at";

fn user_row(r: &PgRow) -> Result<User> {
    Ok(User {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        role: parse_role(&r.try_get::<String, _>("role")?)?,
        disabled: r.try_get("disabled")?,
        created_at: r.try_get("created_at")?,
    })
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

pub(super) async fn create_user(
    pool: &PgPool,
    changes: &Changes,
    actor: &Actor,
    user: NewUser,
) -> Result<i64> {
    let username = user.username.trim();
    if username.is_empty() || username.chars().any(char::is_whitespace) {
        return Err(StoreError::Conflict(
            "a username is one word without spaces".into(),
        ));
    }
    let mut tx = begin(pool).await?;
    require(&mut tx, actor, Permission::Manage).await?;
    let id: i64 = match sqlx::query(
        "INSERT INTO users (username, display_name, role, password_hash, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(username)
    .bind(&user.display_name)
    .bind(user.role.as_str())
    .bind(&user.password_hash)
    .bind(actor.at)
    .fetch_one(&mut *tx)
    .await
    {
        Ok(row) => row.try_get(0)?,
        Err(e) if is_unique_violation(&e) => {
            return Err(StoreError::Conflict(format!(
                "the username `{username}` is taken"
            )));
        }
        Err(e) => return Err(e.into()),
    };
    audit(
        &mut tx,
        actor,
        "user.create",
        &format!("user:{id}"),
        user.role.as_str(),
    )
    .await?;
    commit(tx, changes).await?;
    Ok(id)
}

pub(super) async fn set_password(
    pool: &PgPool,
    changes: &Changes,
    actor: &Actor,
    user_id: i64,
    password_hash: &str,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    if actor.user_id() != Some(user_id) {
        require(&mut tx, actor, Permission::Manage).await?;
    }
    let changed = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    // A new password ends every session opened with the old one.
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    audit(
        &mut tx,
        actor,
        "user.password",
        &format!("user:{user_id}"),
        "",
    )
    .await?;
    commit(tx, changes).await?;
    Ok(())
}

pub(super) async fn credentials(pool: &PgPool, username: &str) -> Result<Option<Credentials>> {
    let sql = format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE username = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(username)
        .fetch_optional(pool)
        .await?;
    row.map(|r| {
        Ok(Credentials {
            user: user_row(&r)?,
            password_hash: r.try_get("password_hash")?,
        })
    })
    .transpose()
}

pub(super) async fn user(pool: &PgPool, id: i64) -> Result<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(user_row).transpose()
}

pub(super) async fn users(pool: &PgPool) -> Result<Vec<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u ORDER BY username");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(pool)
        .await?;
    rows.iter().map(user_row).collect()
}

pub(super) async fn groups_where(
    pool: &PgPool,
    where_clause: &str,
    bind: i64,
) -> Result<Vec<Group>> {
    // `where_clause` is one of the constant clauses of this crate, never user text.
    let sql = format!(
        "SELECT g.id, g.slug, g.name, g.eligible_roles FROM groups g WHERE {where_clause}
         ORDER BY g.name"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(bind)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| {
            let roles: String = r.try_get("eligible_roles")?;
            Ok(Group {
                id: r.try_get("id")?,
                slug: r.try_get("slug")?,
                name: r.try_get("name")?,
                eligible_roles: roles
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(parse_role)
                    .collect::<Result<_>>()?,
            })
        })
        .collect()
}

pub(super) async fn members(pool: &PgPool, group_id: i64) -> Result<Vec<User>> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users u JOIN group_members m ON m.user_id = u.id
         WHERE m.group_id = $1 ORDER BY u.username"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(group_id)
        .fetch_all(pool)
        .await?;
    rows.iter().map(user_row).collect()
}

pub(super) async fn change_member(
    pool: &PgPool,
    changes: &Changes,
    actor: &Actor,
    group_id: i64,
    user_id: i64,
    add: bool,
) -> Result<()> {
    let group = groups_where(pool, "g.id = $1", group_id)
        .await?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)?;
    let user = user(pool, user_id).await?.ok_or(StoreError::NotFound)?;
    let mut tx = begin(pool).await?;
    require(&mut tx, actor, Permission::Manage).await?;
    if add {
        if !group.admits(user.role) {
            return Err(StoreError::Conflict(format!(
                "{} admits only {}; {} is a {}",
                group.name,
                group
                    .eligible_roles
                    .iter()
                    .map(|r| r.label())
                    .collect::<Vec<_>>()
                    .join(", "),
                user.username,
                user.role.label()
            )));
        }
        sqlx::query(
            "INSERT INTO group_members (group_id, user_id) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
        )
        .bind(group_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query("DELETE FROM group_members WHERE group_id = $1 AND user_id = $2")
            .bind(group_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    audit(
        &mut tx,
        actor,
        if add { "group.add" } else { "group.remove" },
        &format!("group:{}", group.slug),
        &user.username,
    )
    .await?;
    commit(tx, changes).await?;
    Ok(())
}

pub(super) async fn create_session(
    pool: &PgPool,
    changes: &Changes,
    actor: &Actor,
    s: NewSession,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&s.token_hash)
    .bind(s.user_id)
    .bind(&s.csrf_token)
    .bind(actor.at)
    .bind(s.expires_at)
    .execute(&mut *tx)
    .await?;
    // Expired sessions of anyone are swept here rather than by a timer, so no
    // server process has to own the cleanup.
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(actor.at)
        .execute(&mut *tx)
        .await?;
    audit(&mut tx, actor, "login", &format!("user:{}", s.user_id), "").await?;
    commit(tx, changes).await?;
    Ok(())
}

pub(super) async fn session(pool: &PgPool, token_hash: &str, now: i64) -> Result<Option<Session>> {
    let sql = format!(
        "SELECT {USER_COLUMNS}, s.csrf_token, s.expires_at FROM sessions s
         JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(pool)
        .await?;
    row.map(|r| {
        Ok(Session {
            user: user_row(&r)?,
            csrf_token: r.try_get("csrf_token")?,
            expires_at: r.try_get("expires_at")?,
        })
    })
    .transpose()
}

pub(super) async fn delete_session(
    pool: &PgPool,
    changes: &Changes,
    actor: &Actor,
    token_hash: &str,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    let user: Option<i64> =
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id")
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
    if let Some(user) = user {
        audit(&mut tx, actor, "logout", &format!("user:{user}"), "").await?;
    }
    commit(tx, changes).await?;
    Ok(())
}

pub(super) async fn record_login_failure(
    pool: &PgPool,
    changes: &Changes,
    actor: &Actor,
    username: &str,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    let address = actor.address.clone().unwrap_or_default();
    sqlx::query("INSERT INTO login_failures (username, address, at) VALUES ($1, $2, $3)")
        .bind(username)
        .bind(&address)
        .bind(actor.at)
        .execute(&mut *tx)
        .await?;
    // Failures older than a day count for nothing; keep the table small.
    sqlx::query("DELETE FROM login_failures WHERE at < $1")
        .bind(actor.at - 86_400)
        .execute(&mut *tx)
        .await?;
    let name: String = username.chars().take(100).collect();
    audit(
        &mut tx,
        actor,
        "login.failed",
        &format!("username:{name}"),
        "",
    )
    .await?;
    commit(tx, changes).await?;
    Ok(())
}

pub(super) async fn login_failures(
    pool: &PgPool,
    username: &str,
    address: &str,
    since: i64,
) -> Result<LoginFailures> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM login_failures WHERE username = $1 AND at >= $3),
                (SELECT COUNT(*) FROM login_failures WHERE address = $2 AND at >= $3)",
    )
    .bind(username)
    .bind(address)
    .bind(since)
    .fetch_one(pool)
    .await?;
    Ok(LoginFailures {
        for_username: row.try_get(0)?,
        from_address: row.try_get(1)?,
    })
}

pub(super) async fn add_comment(
    pool: &PgPool,
    changes: &Changes,
    actor: &Actor,
    c: NewComment,
) -> Result<i64> {
    let body = c.body.trim();
    if body.is_empty() {
        return Err(StoreError::Conflict("an empty comment".into()));
    }
    let author = actor
        .user_id()
        .ok_or_else(|| StoreError::Forbidden("a comment needs a signed-in author".into()))?;
    let mut tx = begin(pool).await?;
    require(&mut tx, actor, Permission::Comment).await?;
    let sql = format!(
        "SELECT 1 FROM documents d WHERE d.id = $2 AND d.complete AND {}",
        visible("d")
    );
    if sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(actor.viewer().key())
        .bind(c.document_id)
        .fetch_optional(&mut *tx)
        .await?
        .is_none()
    {
        return Err(StoreError::NotFound);
    }
    if let Some(parent) = c.parent_id
        && sqlx::query("SELECT 1 FROM comments WHERE id = $1 AND document_id = $2")
            .bind(parent)
            .bind(c.document_id)
            .fetch_optional(&mut *tx)
            .await?
            .is_none()
    {
        return Err(StoreError::Conflict(
            "the comment answered is not on this document".into(),
        ));
    }
    let id: i64 = sqlx::query(
        "INSERT INTO comments (document_id, item, parent_id, author_id, body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(c.document_id)
    .bind(&c.item)
    .bind(c.parent_id)
    .bind(author)
    .bind(body)
    .bind(actor.at)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    audit(
        &mut tx,
        actor,
        "comment",
        &format!("document:{}", c.document_id),
        &format!(
            "comment {id} on {}",
            if c.item.is_empty() {
                "the document"
            } else {
                &c.item
            }
        ),
    )
    .await?;
    commit(tx, changes).await?;
    Ok(id)
}

pub(super) async fn comments(
    pool: &PgPool,
    viewer: Viewer,
    document_id: i64,
) -> Result<Vec<Comment>> {
    let sql = format!(
        "SELECT c.id, c.document_id, c.item, c.parent_id, u.username AS author,
            u.role AS author_role, c.body, c.created_at
         FROM comments c JOIN users u ON u.id = c.author_id
           JOIN documents d ON d.id = c.document_id
         WHERE c.document_id = $2 AND d.complete AND {}
         ORDER BY c.id",
        visible("d")
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(viewer.key())
        .bind(document_id)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Comment {
                id: r.try_get("id")?,
                document_id: r.try_get("document_id")?,
                item: r.try_get("item")?,
                parent_id: r.try_get("parent_id")?,
                author: r.try_get("author")?,
                author_role: parse_role(&r.try_get::<String, _>("author_role")?)?,
                body: r.try_get("body")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

pub(super) async fn open_consultation(
    pool: &PgPool,
    changes: &Changes,
    actor: &Actor,
    k: NewConsultation,
) -> Result<i64> {
    if k.title.trim().is_empty() || k.question.trim().is_empty() {
        return Err(StoreError::Conflict(
            "a consultation needs a title and a question".into(),
        ));
    }
    let mut tx = begin(pool).await?;
    require(&mut tx, actor, Permission::OpenConsultation).await?;
    if let Some(group) = k.restricted_to
        && sqlx::query("SELECT 1 FROM groups WHERE id = $1")
            .bind(group)
            .fetch_optional(&mut *tx)
            .await?
            .is_none()
    {
        return Err(StoreError::NotFound);
    }
    let id: i64 = sqlx::query(
        "INSERT INTO consultations (title, question, deadline, restricted_to, created_by,
            created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(k.title.trim())
    .bind(k.question.trim())
    .bind(k.deadline)
    .bind(k.restricted_to)
    .bind(actor.user_id())
    .bind(actor.at)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    audit(
        &mut tx,
        actor,
        "consultation.open",
        &format!("consultation:{id}"),
        k.title.trim(),
    )
    .await?;
    commit(tx, changes).await?;
    Ok(id)
}

pub(super) async fn consultations_where(
    pool: &PgPool,
    viewer: Viewer,
    where_clause: &str,
    bind: i64,
) -> Result<Vec<Consultation>> {
    // `where_clause` is one of the constant clauses of this crate, never user text.
    let sql = format!(
        "SELECT k.id, k.title, k.question, k.deadline, k.restricted_to, g.name AS grp,
            k.created_at,
            (SELECT COUNT(*) FROM submissions s WHERE s.consultation_id = k.id) AS n
         FROM consultations k LEFT JOIN groups g ON g.id = k.restricted_to
         WHERE {} AND {where_clause}
         ORDER BY k.deadline DESC, k.id DESC",
        visible("k")
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(viewer.key())
        .bind(bind)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Consultation {
                id: r.try_get("id")?,
                title: r.try_get("title")?,
                question: r.try_get("question")?,
                deadline: r.try_get("deadline")?,
                restricted_to: r.try_get("restricted_to")?,
                group: r.try_get("grp")?,
                created_at: r.try_get("created_at")?,
                submissions: r.try_get("n")?,
            })
        })
        .collect()
}

pub(super) async fn submit(
    pool: &PgPool,
    changes: &Changes,
    actor: &Actor,
    consultation_id: i64,
    body: &str,
) -> Result<i64> {
    let body = body.trim();
    if body.is_empty() {
        return Err(StoreError::Conflict("an empty submission".into()));
    }
    let author = actor
        .user_id()
        .ok_or_else(|| StoreError::Forbidden("a submission needs a registered author".into()))?;
    let consultation = consultations_where(pool, actor.viewer(), "k.id = $2", consultation_id)
        .await?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)?;
    if actor.at >= consultation.deadline {
        return Err(StoreError::Conflict(
            "this consultation closed at its deadline".into(),
        ));
    }
    let mut tx = begin(pool).await?;
    require(&mut tx, actor, Permission::Submit).await?;
    let id: i64 = sqlx::query(
        "INSERT INTO submissions (consultation_id, author_id, body, created_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(consultation_id)
    .bind(author)
    .bind(body)
    .bind(actor.at)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    audit(
        &mut tx,
        actor,
        "consultation.submit",
        &format!("consultation:{consultation_id}"),
        &format!("submission {id}"),
    )
    .await?;
    commit(tx, changes).await?;
    Ok(id)
}

pub(super) async fn submissions(
    pool: &PgPool,
    viewer: Viewer,
    consultation_id: i64,
    now: i64,
) -> Result<Vec<Submission>> {
    let Some(consultation) = consultations_where(pool, viewer, "k.id = $2", consultation_id)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(Vec::new());
    };
    let secretariat = match viewer {
        Viewer::System => true,
        Viewer::User(id) => user(pool, id)
            .await?
            .is_some_and(|u| u.role == Role::Secretariat && !u.disabled),
        Viewer::Anonymous => false,
    };
    let published = now >= consultation.deadline || secretariat;
    let rows = sqlx::query(
        "SELECT s.id, s.consultation_id, u.username AS author, u.role AS author_role,
            s.body, s.created_at
         FROM submissions s JOIN users u ON u.id = s.author_id
         WHERE s.consultation_id = $1 AND ($2 OR s.author_id = $3)
         ORDER BY s.id",
    )
    .bind(consultation_id)
    .bind(published)
    .bind(viewer.key())
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Submission {
                id: r.try_get("id")?,
                consultation_id: r.try_get("consultation_id")?,
                author: r.try_get("author")?,
                author_role: parse_role(&r.try_get::<String, _>("author_role")?)?,
                body: r.try_get("body")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

pub(super) async fn audit_log(pool: &PgPool, limit: u32) -> Result<Vec<AuditEntry>> {
    let rows = sqlx::query(
        "SELECT id, at, user_id, username, address, action, target, detail
         FROM audit_log ORDER BY id DESC LIMIT $1",
    )
    .bind(i64::from(limit.clamp(1, 10_000)))
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AuditEntry {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                user_id: r.try_get("user_id")?,
                username: r.try_get("username")?,
                address: r.try_get("address")?,
                action: r.try_get("action")?,
                target: r.try_get("target")?,
                detail: r.try_get("detail")?,
            })
        })
        .collect()
}
