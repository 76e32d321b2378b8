//! A real S3-compatible server for the tests: moto's (PyPI `moto[server]`, which `scripts/test`
//! installs), started on a free port of 127.0.0.1 with buckets and a user whose keys the tests
//! give replay-html the way a user would (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...). It checks
//! signatures as a real store does, and stops when dropped. The tests look into the buckets with
//! the `object_store` crate.
//!
//! moto is found as `$REPLAY_HTML_PYTHON`, else `target/moto/bin/python` (the virtual
//! environment `scripts/test` makes), else `python3`. Without it a test says so and checks
//! nothing, unless REPLAY_HTML_REQUIRE_BROWSER=1 (set by CI), which makes that a failure.
#![allow(dead_code)] // each test file uses its own share of these

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use object_store::aws::AmazonS3Builder;
use object_store::path::Path as Key;
use object_store::{Attribute, GetOptions, ObjectStore, ObjectStoreExt, PutPayload};

pub struct S3 {
    server: Child,
    pub endpoint: String,
    pub key_id: String,
    pub secret: String,
    runtime: tokio::runtime::Runtime,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Python that has moto.
fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("REPLAY_HTML_PYTHON") {
        return python.into();
    }
    let venv = repo().join("target/moto/bin/python");
    if venv.exists() {
        return venv;
    }
    "python3".into()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

impl S3 {
    /// Starts moto's server with these buckets, taking any key; `None` (after saying so) when
    /// moto is not installed, unless REPLAY_HTML_REQUIRE_BROWSER=1: then the test fails.
    pub fn start(buckets: &[&str]) -> Option<S3> {
        S3::start_with(buckets, false)
    }

    /// Starts moto's server with these buckets, refusing requests not signed with the keys of
    /// [`S3::env`]. (moto then also refuses some rightly signed requests: listings with a
    /// delimiter; reading and writing one object works.)
    pub fn start_checking_credentials(buckets: &[&str]) -> Option<S3> {
        S3::start_with(buckets, true)
    }

    fn start_with(buckets: &[&str], check_credentials: bool) -> Option<S3> {
        let python = python();
        let has_moto = Command::new(&python)
            .args(["-c", "import moto.server, boto3, flask"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !has_moto {
            let message = format!(
                "moto's S3 server is not installed for {} (pip install 'moto[server]'; scripts/test installs it)",
                python.display()
            );
            assert!(
                std::env::var("REPLAY_HTML_REQUIRE_BROWSER").as_deref() != Ok("1"),
                "the object storage tests are required (REPLAY_HTML_REQUIRE_BROWSER=1): {message}"
            );
            eprintln!("skipped: {message}");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port on loopback")
            .port();
        let server = Command::new(&python)
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto's server starts");
        let mut s3 = S3 {
            server,
            endpoint: format!("http://127.0.0.1:{port}"),
            key_id: String::new(),
            secret: String::new(),
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "moto's server did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let setup = Command::new(&python)
            .arg(repo().join("tests/support/moto_setup.py"))
            .arg(&s3.endpoint)
            .args(check_credentials.then_some("--check-credentials"))
            .args(buckets)
            .output()
            .expect("the setup script runs");
        assert!(
            setup.status.success(),
            "setting up moto failed: {}",
            stderr(&setup)
        );
        let keys = String::from_utf8_lossy(&setup.stdout).into_owned();
        let (id, secret) = keys.trim().split_once(' ').expect("a key id and a secret");
        s3.key_id = id.to_owned();
        s3.secret = secret.to_owned();
        Some(s3)
    }

    /// The variables a user sets for this store.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ALLOW_HTTP", "true".to_owned()),
            ("AWS_REGION", "us-east-1".to_owned()),
            ("AWS_ACCESS_KEY_ID", self.key_id.clone()),
            ("AWS_SECRET_ACCESS_KEY", self.secret.clone()),
        ]
    }

    /// `replay-html` with this store's variables (and no other AWS ones).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_replay-html"));
        command.args(args);
        for (name, _) in std::env::vars() {
            if name.starts_with("AWS_") {
                command.env_remove(name);
            }
        }
        command.envs(self.env());
        command
    }

    /// Runs `replay-html` against this store, whatever the exit code.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args)
            .stdin(Stdio::null())
            .output()
            .expect("replay-html runs")
    }

    /// Runs `replay-html` against this store, failing the test with its message if it fails.
    pub fn run_ok(&self, args: &[&str]) -> Output {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "replay-html {args:?} failed: {}",
            stderr(&output)
        );
        output
    }

    fn bucket(&self, bucket: &str) -> Arc<dyn ObjectStore> {
        // The HTTP client's TLS needs a crypto provider installed, as replay-html installs it.
        let _ = rustls::crypto::ring::default_provider().install_default();
        Arc::new(
            AmazonS3Builder::new()
                .with_endpoint(&self.endpoint)
                .with_allow_http(true)
                .with_region("us-east-1")
                .with_bucket_name(bucket)
                .with_access_key_id(&self.key_id)
                .with_secret_access_key(&self.secret)
                .build()
                .unwrap(),
        )
    }

    /// Puts an object.
    pub fn put(&self, bucket: &str, key: &str, bytes: Vec<u8>) {
        let store = self.bucket(bucket);
        self.runtime
            .block_on(store.put(&Key::from(key), PutPayload::from(bytes)))
            .unwrap();
    }

    /// Puts a local file as an object.
    pub fn put_file(&self, bucket: &str, key: &str, file: &Path) {
        self.put(bucket, key, std::fs::read(file).unwrap());
    }

    /// The keys under a prefix, in order.
    pub fn keys(&self, bucket: &str, prefix: &str) -> Vec<String> {
        use futures::TryStreamExt;
        let store = self.bucket(bucket);
        let prefix = Key::from(prefix);
        let mut keys: Vec<String> = self
            .runtime
            .block_on(store.list(Some(&prefix)).try_collect::<Vec<_>>())
            .unwrap()
            .into_iter()
            .map(|meta| meta.location.to_string())
            .collect();
        keys.sort();
        keys
    }

    /// An object's bytes.
    pub fn get(&self, bucket: &str, key: &str) -> Vec<u8> {
        let store = self.bucket(bucket);
        self.runtime
            .block_on(async { store.get(&Key::from(key)).await?.bytes().await })
            .unwrap()
            .to_vec()
    }

    /// One of an object's user metadata (`x-amz-meta-NAME`).
    pub fn metadata(&self, bucket: &str, key: &str, name: &'static str) -> Option<String> {
        let store = self.bucket(bucket);
        let options = GetOptions {
            head: true,
            ..GetOptions::default()
        };
        let result = self
            .runtime
            .block_on(store.get_opts(&Key::from(key), options))
            .unwrap();
        result
            .attributes
            .get(&Attribute::Metadata(name.into()))
            .map(|v| v.to_string())
    }

    /// Multipart uploads begun and neither completed nor aborted, in a bucket.
    pub fn open_uploads(&self, bucket: &str) -> usize {
        let script = "import sys, boto3\n\
                      s3 = boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])\n\
                      print(len(s3.list_multipart_uploads(Bucket=sys.argv[4]).get('Uploads', [])))";
        let output = Command::new(python())
            .args([
                "-c",
                script,
                &self.endpoint,
                &self.key_id,
                &self.secret,
                bucket,
            ])
            .output()
            .expect("python runs");
        assert!(output.status.success(), "{}", stderr(&output));
        String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse()
            .unwrap()
    }
}

impl Drop for S3 {
    fn drop(&mut self) {
        // The server is this helper's own child: stop it by its handle.
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}
