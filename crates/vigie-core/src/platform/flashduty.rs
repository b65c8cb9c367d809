//! Flashduty (stub: being written)
use crate::model::{Incident, Reading};
use crate::platform::ReadError;

pub fn endpoints(base: &str, page_id: Option<&str>) -> Result<Vec<String>, ReadError> { let p = page_id.ok_or_else(|| ReadError::Config("page_id".into()))?; Ok(vec![format!("{base}/api/status-page/{p}/summary/active")]) }
pub fn read(_body: &[u8]) -> Result<Reading, ReadError> { Err(ReadError::Shape("unwritten".into())) }
pub fn read_history(_body: &[u8]) -> Result<Vec<Incident>, ReadError> { Err(ReadError::Shape("unwritten".into())) }
