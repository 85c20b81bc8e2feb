//! The live-reload event stream (Server-Sent Events): `hello` with the current generation, then
//! `reload`, `css` or `build-error` after each rebuild, and a comment now and then.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, StreamBody};
use hyper::body::Frame;
use tokio::sync::broadcast::{self, error::RecvError};

use super::respond::Body;
use super::{Notice, Preview};

/// A comment this often keeps proxies from closing the stream and tells a closed page apart.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The endless body of `GET /__briefing/events`. The stream is a task's state, not a thread:
/// when the page goes away, hyper drops it.
pub(super) fn stream(preview: &Arc<Preview>) -> Body {
    // Subscribed before the generation is read: a build that finishes in between then shows up
    // in `hello` or as an event, never in neither.
    let notices = preview.subscribe();
    let generation = preview.served().generation;
    let hello = Bytes::from(format!("retry: 500\nevent: hello\ndata: {generation}\n\n"));
    let state = (Some(hello), notices, Arc::clone(preview));
    let frames = futures_util::stream::unfold(state, |(hello, mut notices, preview)| async move {
        let message = match hello {
            Some(hello) => hello,
            None => next_message(&mut notices, &preview).await?,
        };
        Some((Ok(Frame::data(message)), (None, notices, preview)))
    });
    StreamBody::new(frames).boxed_unsync()
}

/// A stand-in for the stream in a HEAD response: of unknown length like the stream itself, so
/// the headers claim no Content-Length.
pub(super) fn no_stream() -> Body {
    StreamBody::new(futures_util::stream::empty::<
        Result<Frame<Bytes>, Infallible>,
    >())
    .boxed_unsync()
}

async fn next_message(
    notices: &mut broadcast::Receiver<(u64, Notice)>,
    preview: &Preview,
) -> Option<Bytes> {
    let text = match tokio::time::timeout(KEEP_ALIVE, notices.recv()).await {
        Err(_) => ": keep-alive\n\n".to_string(),
        Ok(Ok((generation, notice))) => message(generation, &notice),
        // This page missed some notices: a reload shows it the latest build whatever they were.
        Ok(Err(RecvError::Lagged(_))) => message(preview.served().generation, &Notice::Reload),
        Ok(Err(RecvError::Closed)) => return None,
    };
    Some(Bytes::from(text))
}

fn message(generation: u64, notice: &Notice) -> String {
    match notice {
        Notice::Reload => format!("id: {generation}\nevent: reload\ndata: {generation}\n\n"),
        // A JSON list: a file name may hold spaces or line breaks, which would split the list
        // or end the event (and let a name forge another event).
        Notice::Css(paths) => format!(
            "id: {generation}\nevent: css\ndata: {}\n\n",
            serde_json::Value::from(paths.clone())
        ),
        // Every line break would end the field: each line goes in a `data:` line of its own.
        Notice::BuildError(html) => format!(
            "id: {generation}\nevent: build-error\ndata: {}\n\n",
            html.replace("\r\n", "\n")
                .replace('\r', "\n")
                .replace('\n', "\ndata: ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multi_line_overlay_stays_one_event() {
        let text = message(7, &Notice::BuildError("a\nb\r\nc\rd".into()));
        assert_eq!(
            text,
            "id: 7\nevent: build-error\ndata: a\ndata: b\ndata: c\ndata: d\n\n"
        );
    }

    #[test]
    fn stylesheet_names_with_spaces_or_line_breaks_stay_one_list_in_one_event() {
        let names = vec![
            "/my style.css".to_string(),
            "/z.css\n\nevent: build-error\ndata: <b>forged</b>\n\nx.css".to_string(),
        ];
        let text = message(3, &Notice::Css(names.clone()));
        let body = text.strip_suffix("\n\n").unwrap();
        assert_eq!(body.lines().count(), 3, "{text}");
        let data = body.lines().last().unwrap().strip_prefix("data: ").unwrap();
        let parsed: Vec<String> = serde_json::from_str(data).unwrap();
        assert_eq!(parsed, names);
    }
}
