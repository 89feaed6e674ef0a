import course_graphs

import nn
from autograd import Parameter, no_grad, topological_order


def _course_network(seed):
    model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=seed)
    loss = nn.binary_cross_entropy([model([4.0, 5.0])], [1])
    loss.backward()
    return model, loss


def test_the_untrained_course_network_says_about_0_11_for_a_student_who_passed_with_every_relu_on():
    model = nn.MLP(2, [3, 1], output_activation="sigmoid", seed=course_graphs.COURSE_SEED)
    with no_grad():
        y_hat = model([4.0, 5.0]).data
        hidden = [neuron([4.0, 5.0]) for neuron in model.layers[0].neurons]
    assert round(y_hat, 4) == 0.1107
    assert round(-1 / y_hat, 3) == -9.032  # ∂J/∂ŷ for target 1 (the lecture's seed 37: −9.036)
    assert all(a.data > 0 for a in hidden)  # relu′(z) = 1: gradient flows back through every neuron


def test_every_parameter_of_the_course_network_gets_a_gradient():
    loss = course_graphs.course_mlp()
    parameters = [node for node in topological_order(loss) if isinstance(node, Parameter)]
    assert len(parameters) == 13
    assert all(p.grad != 0.0 for p in parameters)


def test_the_dead_relu_seed_has_one_neuron_off_and_no_gradient_flows_through_it():
    model, _ = _course_network(course_graphs.DEAD_RELU_SEED)
    off = model.layers[0].neurons[0]
    assert round(sum(w.data * x for w, x in zip(off.weights, [4.0, 5.0])), 2) == -4.55
    # its weights and bias, and the output's weight on its activation a = 0
    silent = [*off.weights, off.bias, model.layers[1].neurons[0].weights[0]]
    assert [p for p in model.parameters() if p.grad == 0.0] == silent


def test_the_seed_search_finds_the_course_seed_first():
    assert course_graphs.course_seeds(tries=1300)[0][0] == course_graphs.COURSE_SEED
