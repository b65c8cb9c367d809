//! incident.io (stub: being written)
use crate::model::{Incident, Reading};
use crate::platform::ReadError;

pub fn endpoints(base: &str) -> Result<Vec<String>, ReadError> { Ok(vec![format!("{base}/api/v1/summary"), format!("{base}/proxy/x")]) }
pub fn read(_widget: &[u8], _proxy: &[u8]) -> Result<Reading, ReadError> { Err(ReadError::Shape("unwritten".into())) }
pub fn history_endpoint(base: &str) -> Option<String> { Some(format!("{base}/history.atom")) }
pub fn read_history(_body: &[u8]) -> Result<Vec<Incident>, ReadError> { Err(ReadError::Shape("unwritten".into())) }
