pub mod airports;
