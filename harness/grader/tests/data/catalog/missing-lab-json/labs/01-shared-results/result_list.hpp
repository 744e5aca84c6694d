// fake student file for catalog tests
