//! Uploaded files through object_store: a local folder by default,
//! S3-compatible storage in production, memory in tests. Uploads are
//! checked by their content (magic bytes), never by the name or the
//! browser's claim.

use crate::{
    AppError,
    config::{FilesBackend, FilesConfig},
};
use bytes::Bytes;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, path::Path};
use std::sync::Arc;

pub const MAX_LOGO_BYTES: usize = 1024 * 1024;
/// Attachments of contact requests (PDF or image).
pub const MAX_ATTACHMENT_BYTES: usize = 3 * 1024 * 1024;
/// Private files: never under `/media`, only through a handler that checks access.
const PRIVATE_PREFIX: &str = "private/contact";

/// The folders uploads go to; nothing else is ever served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    Logos,
    News,
}

impl Folder {
    pub const ALL: [Folder; 2] = [Folder::Logos, Folder::News];

    fn prefix(self) -> &'static str {
        match self {
            Folder::Logos => "logos",
            Folder::News => "news",
        }
    }
}

#[derive(Clone)]
pub struct Files {
    store: Arc<dyn ObjectStore>,
}

/// Image types accepted for logos.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Webp,
}

impl ImageKind {
    /// Recognises an image by its first bytes. SVG is refused on purpose:
    /// it can carry script.
    pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageKind::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ImageKind::Jpeg)
        } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(ImageKind::Webp)
        } else {
            None
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ImageKind::Png => "png",
            ImageKind::Jpeg => "jpg",
            ImageKind::Webp => "webp",
        }
    }

    pub fn content_type_of(key: &str) -> &'static str {
        match key.rsplit('.').next() {
            Some("png") => "image/png",
            Some("jpg") => "image/jpeg",
            Some("webp") => "image/webp",
            Some("pdf") => "application/pdf",
            _ => "application/octet-stream",
        }
    }
}

impl Files {
    pub fn from_config(c: &FilesConfig) -> anyhow::Result<Files> {
        let store: Arc<dyn ObjectStore> = match c.backend {
            FilesBackend::Memory => Arc::new(object_store::memory::InMemory::new()),
            FilesBackend::Local => {
                let path = &c.path;
                std::fs::create_dir_all(path)
                    .map_err(|e| anyhow::anyhow!("cannot create the files folder `{path}`: {e}"))?;
                Arc::new(object_store::local::LocalFileSystem::new_with_prefix(path)?)
            }
            FilesBackend::S3 => {
                let mut b = object_store::aws::AmazonS3Builder::new()
                    .with_bucket_name(c.bucket.clone().unwrap_or_default())
                    .with_region(&c.region)
                    .with_allow_http(c.allow_http);
                if let Some(e) = &c.endpoint {
                    b = b.with_endpoint(e).with_virtual_hosted_style_request(false);
                }
                if let Some(k) = &c.access_key_id {
                    b = b.with_access_key_id(k);
                }
                if let Some(s) = &c.secret_access_key {
                    b = b.with_secret_access_key(s);
                }
                Arc::new(b.build()?)
            }
        };
        Ok(Files { store })
    }

    /// Checks and stores a logo; returns its key.
    pub async fn put_logo(&self, org_id: i32, bytes: Bytes) -> Result<String, AppError> {
        self.put_image(Folder::Logos, "logo", org_id, bytes).await
    }

    /// Checks and stores an image in `folder`; errors name `field`.
    pub async fn put_image(
        &self,
        folder: Folder,
        field: &'static str,
        id: i32,
        bytes: Bytes,
    ) -> Result<String, AppError> {
        if bytes.is_empty() {
            return Err(AppError::field(field, "err-file-empty"));
        }
        if bytes.len() > MAX_LOGO_BYTES {
            return Err(AppError::field(field, "err-file-too-large"));
        }
        let kind = ImageKind::sniff(&bytes).ok_or(AppError::field(field, "err-file-type"))?;
        let key = format!("{}/{id}-{}.{}", folder.prefix(), &crate::tokens::new_token()[..12], kind.extension());
        self.store.put(&Path::from(key.as_str()), PutPayload::from_bytes(bytes)).await.map_err(AppError::internal)?;
        Ok(key)
    }

    /// Checks and stores a contact-request attachment (PDF, PNG, JPEG or
    /// WebP by content, at most 3 MiB; the request body limit is 4 MiB); returns its key.
    pub async fn put_attachment(&self, field: &'static str, bytes: Bytes) -> Result<String, AppError> {
        if bytes.is_empty() {
            return Err(AppError::field(field, "err-file-empty"));
        }
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(AppError::field(field, "err-attachment-too-large"));
        }
        let ext = if bytes.starts_with(b"%PDF-") {
            "pdf"
        } else {
            ImageKind::sniff(&bytes).ok_or(AppError::field(field, "err-attachment-type"))?.extension()
        };
        let key = format!("{PRIVATE_PREFIX}/{}.{ext}", crate::tokens::new_token());
        self.store.put(&Path::from(key.as_str()), PutPayload::from_bytes(bytes)).await.map_err(AppError::internal)?;
        Ok(key)
    }

    /// Reads a private attachment; the caller has checked access.
    pub async fn get_attachment(&self, key: &str) -> Result<Option<Bytes>, AppError> {
        if key.contains("..") || !key.starts_with(&format!("{PRIVATE_PREFIX}/")) {
            return Ok(None);
        }
        match self.store.get(&Path::from(key)).await {
            Ok(r) => Ok(Some(r.bytes().await.map_err(AppError::internal)?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(AppError::internal(e)),
        }
    }

    /// Reads a stored file; `None` when it does not exist.
    pub async fn get(&self, key: &str) -> Result<Option<Bytes>, AppError> {
        if key.contains("..") || !Folder::ALL.iter().any(|f| key.starts_with(&format!("{}/", f.prefix()))) {
            return Ok(None);
        }
        match self.store.get(&Path::from(key)).await {
            Ok(r) => Ok(Some(r.bytes().await.map_err(AppError::internal)?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(AppError::internal(e)),
        }
    }

    /// Deletes a stored file. A failure leaves the file behind, unused: it
    /// is logged for the operator and does not fail the change that made
    /// the file obsolete.
    pub async fn delete(&self, key: &str) {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => tracing::warn!(error = %e, key, "an obsolete file could not be deleted"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_images_and_refuses_others() {
        assert_eq!(ImageKind::sniff(b"\x89PNG\r\n\x1a\nrest"), Some(ImageKind::Png));
        assert_eq!(ImageKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(ImageKind::Jpeg));
        assert_eq!(ImageKind::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(ImageKind::Webp));
        assert_eq!(ImageKind::sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(ImageKind::sniff(b"GIF89a"), None);
    }

    #[tokio::test]
    async fn logo_checks_size_and_type() {
        let f = Files::from_config(&FilesConfig::memory()).unwrap();
        let big = Bytes::from(vec![0u8; MAX_LOGO_BYTES + 1]);
        assert!(matches!(f.put_logo(1, big).await, Err(AppError::Invalid(e)) if e[0].code == "err-file-too-large"));
        assert!(
            matches!(f.put_logo(1, Bytes::from_static(b"<svg/>")).await, Err(AppError::Invalid(e)) if e[0].code == "err-file-type")
        );
        let key = f.put_logo(1, Bytes::from_static(b"\x89PNG\r\n\x1a\n0000")).await.unwrap();
        assert!(key.starts_with("logos/1-") && key.ends_with(".png"));
        assert_eq!(f.get(&key).await.unwrap().unwrap().len(), 12);
        assert!(f.get("logos/../../etc/passwd").await.unwrap().is_none());
    }
}
