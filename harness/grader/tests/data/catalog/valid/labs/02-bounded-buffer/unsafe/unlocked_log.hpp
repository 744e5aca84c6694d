// fake unsafe variant for catalog tests
